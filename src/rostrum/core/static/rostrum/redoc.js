// Starts ReDoc on the API documentation page (templates/api/redoc.html) without inline script.
// The page's CSP nonce is handed to ReDoc, which stamps it on the <style> elements it adds; a `nonce`
// attribute itself would not do, because browsers hide its value from scripts.
"use strict";

const container = document.getElementById("redoc-container");
Redoc.init(container.dataset.schemaUrl, { nonce: container.dataset.nonce }, container);
