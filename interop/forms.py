"""The upload of a FHIR QuestionnaireResponse."""

from __future__ import annotations

import json

from django import forms

from maturity_portal.forms import nhsuk_helper

MAX_RESPONSE_BYTES = 5 * 1024 * 1024


class QuestionnaireResponseUploadForm(forms.Form):
    file = forms.FileField(
        label="QuestionnaireResponse (FHIR JSON)",
        help_text="A file from this portal, or from another system that uses this framework's "
        "Questionnaire. Nothing is saved unless every answer in it can be.",
        error_messages={"required": "Choose a file to import"},
    )

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = nhsuk_helper(action, "Import answers", button_id="import")
        self.helper.form_enctype = "multipart/form-data"

    def clean_file(self) -> dict:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RESPONSE_BYTES:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        try:
            resource = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError(f"The file is not JSON: {error}") from error
        except RecursionError as error:
            raise forms.ValidationError(
                "The file is not JSON we can read: nested too deeply"
            ) from error
        if (
            not isinstance(resource, dict)
            or resource.get("resourceType") != "QuestionnaireResponse"
        ):
            raise forms.ValidationError("The file is not a FHIR QuestionnaireResponse")
        return resource
