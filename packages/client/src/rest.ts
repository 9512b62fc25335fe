/**
 * `@popbox/client/rest`: types only. The build replaces this module's declaration with the types that
 * openapi-typescript generates from the API's OpenAPI document (`paths`, `components`, `operations`), for
 * openapi-fetch or any typed REST client.
 */
export {};
