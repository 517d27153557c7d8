// The app's entry point (package.json "main"): importing a module registers its functions.
import "./health";
