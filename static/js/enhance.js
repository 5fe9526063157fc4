// Starts the NHS.UK frontend components; pages work without it.
import { initAll } from "../nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
