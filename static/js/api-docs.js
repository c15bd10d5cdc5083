// Starts the vendored swagger-ui on /openapi.json (the page at /docs, templates/api_docs.html).
// A file rather than an inline script: the Content-Security-Policy allows only script files
// from this server. No validator badge (it would ask validator.swagger.io).
/* global SwaggerUIBundle */
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
