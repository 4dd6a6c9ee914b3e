// Swagger UI for /api/docs, from the swagger-ui-dist npm package served locally (no CDN, no inline script).
(function () {
  var el = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: el.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
  });
})();
