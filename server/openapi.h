// GET /v1/openapi.json: an OpenAPI 3.1 description of `proviso serve`'s endpoints, with one
// evaluate path per loaded policy whose request body is that policy's input schema.
#pragma once
#include "server/registry.h"

namespace proviso::server {

Json openapi(const Registry::Table& table);

}  // namespace proviso::server
