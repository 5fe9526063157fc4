"""Forms of the framework admin's pages: load a framework file, copy a version."""

from __future__ import annotations

from django import forms

from maturity_portal.forms import nhsuk_helper

MAX_FRAMEWORK_FILE_BYTES = 2 * 1024 * 1024


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label="Framework file",
        help_text="A YAML file in the portal's framework format, up to 2 MB.",
        error_messages={
            "required": "Select a framework file to load",
            "empty": "The selected file is empty",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml"}),
    )
    publish = forms.BooleanField(
        label="Publish it once loaded, so cycles can use it",
        help_text=(
            "A published version can never change. Leave this unticked to check a draft first."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("", "Load framework")
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FRAMEWORK_FILE_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 2 MB")
        try:
            self.text = upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "The selected file must be a YAML text file (UTF-8)"
            ) from error
        return upload


class FrameworkCopyForm(forms.Form):
    version = forms.CharField(
        label="New version",
        help_text="For example, 2027.1. The copy is a draft with the same content.",
        max_length=32,
        error_messages={"required": "Enter the new version"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("", "Copy as a new draft")


class ConfirmForm(forms.Form):
    """A page that asks once before an action that cannot be undone."""

    def __init__(self, *args, button: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper("", button)
