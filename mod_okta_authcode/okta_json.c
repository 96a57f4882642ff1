/* SPDX-License-Identifier: Apache-2.0 */
/* JSON documents held by a pool: see okta_json.h. */
#include <string.h>

#include "okta_json.h"

static apr_status_t release_json(void *data)
{
    json_decref(data);
    return APR_SUCCESS;
}

json_t *okta_json_pool_owned(apr_pool_t *p, json_t *json)
{
    if (json) {
        apr_pool_cleanup_register(p, json, release_json, apr_pool_cleanup_null);
    }
    return json;
}

json_t *okta_json_parse_object(apr_pool_t *p, const char *text, apr_size_t len)
{
    json_t *json = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);

    if (!json_is_object(json)) {
        json_decref(json);
        return NULL;
    }
    return okta_json_pool_owned(p, json);
}

int okta_json_lists(const json_t *doc, const char *name, const char *value)
{
    const json_t *array = json_object_get(doc, name), *item;
    size_t i;

    if (!json_is_array(array)) {
        return -1;
    }
    json_array_foreach(array, i, item) {
        if (json_is_string(item) && strcmp(json_string_value(item), value) == 0) {
            return 1;
        }
    }
    return 0;
}
