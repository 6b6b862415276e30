/* Swagger UI of /api/v1/docs (api/api.py): its settings come from a data attribute of <body>, so the page
   holds no inline script (Content-Security-Policy: script-src 'self') and no text outside the UI. */
(function () {
  var body = document.body;
  var config = JSON.parse(body.dataset.swaggerSettings);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  window.ui = SwaggerUIBundle(config);
})();
