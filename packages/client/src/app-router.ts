/**
 * The API's router types. In the workspace they come straight from the API sources; the build replaces this
 * module's declaration with a self-contained one (scripts/router-declaration.ts), so a consumer of the packed
 * package needs neither the API, the domain nor the database packages to type-check.
 */
export type { AppRouter, RouterInputs, RouterOutputs } from '@popbox/api';
