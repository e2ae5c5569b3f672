// Starts Swagger UI from a file, not an inline script, so the strict Content-Security-Policy
// holds on /docs too. No validator badge: it would load an image from swagger.io.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
  });
});
