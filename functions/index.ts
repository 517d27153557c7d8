// The app's entry point (package.json "main"): importing a module registers its functions.
// Settings are read first, once: a missing or malformed one fails the app at start, naming it.
import { platform } from "./runtime/platform";
platform();

import "./health";
import "./clusters";
import "./conformance";
import "./operations";
import "./approvals";
import "./aksEvents";
import "./durable";
import "./provisioning";
import "./nodeImageRollout";
import "./dashboard";
import "./governance";
