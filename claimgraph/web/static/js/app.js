// Shared by every page: marks that scripts run (CSS shows the interactive parts only then).
"use strict";
document.documentElement.classList.add("js");
