// A Virtumancer host-hooks plugin in C: NICs may only use the configured models
// ({"allowedModels": "virtio,e1000"}; virtio alone by default). It reads the few JSON fields it
// needs by searching the text: Virtumancer writes compact JSON and its model names have no escapes.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtumancer_plugin.h"

// The build may set another version and default (the server's tests build a second version to
// reload).
#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION "0.1.0"
#endif
#ifndef DEFAULT_MODELS
#define DEFAULT_MODELS "virtio"
#endif

static char allowed[256] = DEFAULT_MODELS;

static void set(virtumancer_plugin_string_t *out, const char *text) {
  virtumancer_plugin_string_dup(out, text);
}

// A NUL-terminated copy of a WIT string.
static char *cstr(const virtumancer_plugin_string_t *s) {
  char *out = malloc(s->len + 1);
  if (out == NULL) return NULL;
  memcpy(out, s->ptr, s->len);
  out[s->len] = '\0';
  return out;
}

// The string value of "key" after `from`, copied into `out` (empty when absent or not a string).
static void string_field(const char *from, const char *key, char *out, size_t size) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  out[0] = '\0';
  const char *at = strstr(from, pattern);
  if (at == NULL) return;
  at += strlen(pattern);
  const char *end = strchr(at, '"');
  if (end == NULL) return;
  size_t n = (size_t)(end - at) < size - 1 ? (size_t)(end - at) : size - 1;
  memcpy(out, at, n);
  out[n] = '\0';
}

// Whether `model` is one of the comma-separated allowed models.
static bool is_allowed(const char *model) {
  size_t n = strlen(model);
  const char *p = allowed;
  while (*p) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if (len == n && strncmp(p, model, n) == 0) return true;
    p += len + (comma ? 1 : 0);
  }
  return false;
}

void exports_virtumancer_plugin_plugin_describe(exports_virtumancer_plugin_plugin_description_t *ret) {
  set(&ret->id, "org.virtumancer.example.nic-models");
  set(&ret->version, PLUGIN_VERSION);
  set(&ret->name, "Allowed NIC models (C)");
  ret->extension_points.len = 1;
  ret->extension_points.ptr = malloc(sizeof(virtumancer_plugin_types_extension_point_t));
  ret->extension_points.ptr[0] = VIRTUMANCER_PLUGIN_TYPES_EXTENSION_POINT_HOST_HOOKS;
  ret->capabilities.len = 0;
  ret->capabilities.ptr = NULL;
  ret->config_schema.is_some = true;
  set(&ret->config_schema.val,
      "{\"type\":\"object\",\"properties\":{\"allowedModels\":{\"type\":\"string\","
      "\"title\":\"Allowed NIC models\",\"description\":\"Comma-separated, e.g. virtio,e1000\","
      "\"pattern\":\"^[a-z0-9]+(,[a-z0-9]+)*$\",\"default\":\"" DEFAULT_MODELS "\"}},"
      "\"additionalProperties\":false}");
}

bool exports_virtumancer_plugin_plugin_configure(virtumancer_plugin_string_t *config,
                                                  exports_virtumancer_plugin_plugin_plugin_error_t *err) {
  char *text = cstr(config);
  char models[256];
  string_field(text ? text : "", "allowedModels", models, sizeof models);
  free(text);
  virtumancer_plugin_string_free(config);
  if (models[0] == '\0') {
    err->tag = VIRTUMANCER_PLUGIN_TYPES_PLUGIN_ERROR_INVALID_SPEC;
    set(&err->val.invalid_spec, "allowedModels must name at least one model");
    return false;
  }
  strcpy(allowed, models);
  return true;
}

void exports_virtumancer_plugin_network_driver_nic_kinds(exports_virtumancer_plugin_network_driver_list_nic_kind_t *ret) {
  ret->len = 0;
  ret->ptr = NULL;
}

static bool unsupported(exports_virtumancer_plugin_network_driver_plugin_error_t *err) {
  err->tag = VIRTUMANCER_PLUGIN_TYPES_PLUGIN_ERROR_UNSUPPORTED;
  set(&err->val.unsupported, "this plugin adds no NIC kinds");
  return false;
}

bool exports_virtumancer_plugin_network_driver_validate_nic(exports_virtumancer_plugin_network_driver_nic_spec_t *spec,
                                                            exports_virtumancer_plugin_network_driver_plugin_error_t *err) {
  exports_virtumancer_plugin_network_driver_nic_spec_free(spec);
  return unsupported(err);
}

bool exports_virtumancer_plugin_network_driver_render_interface(exports_virtumancer_plugin_network_driver_nic_spec_t *spec,
                                                                virtumancer_plugin_string_t *ret,
                                                                exports_virtumancer_plugin_network_driver_plugin_error_t *err) {
  (void)ret;
  exports_virtumancer_plugin_network_driver_nic_spec_free(spec);
  return unsupported(err);
}

bool exports_virtumancer_plugin_network_driver_recognize_interface(virtumancer_plugin_string_t *xml,
                                                                   exports_virtumancer_plugin_network_driver_recognized_nic_t *ret) {
  (void)ret;
  virtumancer_plugin_string_free(xml);
  return false;
}

void exports_virtumancer_plugin_network_driver_network_kinds(exports_virtumancer_plugin_network_driver_list_network_kind_t *ret) {
  ret->len = 0;
  ret->ptr = NULL;
}

bool exports_virtumancer_plugin_network_driver_render_network(exports_virtumancer_plugin_network_driver_network_spec_t *spec,
                                                              virtumancer_plugin_string_t *ret,
                                                              exports_virtumancer_plugin_network_driver_plugin_error_t *err) {
  (void)ret;
  exports_virtumancer_plugin_network_driver_network_spec_free(spec);
  err->tag = VIRTUMANCER_PLUGIN_TYPES_PLUGIN_ERROR_UNSUPPORTED;
  set(&err->val.unsupported, "this plugin adds no network kinds");
  return false;
}

bool exports_virtumancer_plugin_network_driver_recognize_network(virtumancer_plugin_string_t *xml,
                                                                 exports_virtumancer_plugin_network_driver_recognized_network_t *ret) {
  (void)ret;
  virtumancer_plugin_string_free(xml);
  return false;
}

void exports_virtumancer_plugin_host_hooks_validate_vm(virtumancer_plugin_string_t *spec,
                                                       exports_virtumancer_plugin_host_hooks_list_violation_t *ret) {
  ret->len = 0;
  ret->ptr = NULL;
  char *text = cstr(spec);
  virtumancer_plugin_string_free(spec);
  if (text == NULL) return;
  const char *nic = strstr(text, "\"nic\":{");
  char model[64];
  if (nic != NULL) string_field(nic, "model", model, sizeof model);
  if (nic != NULL && model[0] != '\0' && !is_allowed(model)) {
    char message[512];
    snprintf(message, sizeof message, "NIC model '%s' is not allowed here; use one of: %s", model, allowed);
    virtumancer_plugin_log_log(VIRTUMANCER_PLUGIN_LOG_LEVEL_INFO, &(virtumancer_plugin_string_t){
        (uint8_t *)message, strlen(message)});
    ret->len = 1;
    ret->ptr = malloc(sizeof(exports_virtumancer_plugin_host_hooks_violation_t));
    set(&ret->ptr[0].field, "nic.model");
    set(&ret->ptr[0].message, message);
  }
  free(text);
}

bool exports_virtumancer_plugin_host_hooks_on_event(virtumancer_plugin_string_t *event,
                                                    exports_virtumancer_plugin_host_hooks_plugin_error_t *err) {
  (void)err;
  virtumancer_plugin_string_free(event);
  return true;
}
