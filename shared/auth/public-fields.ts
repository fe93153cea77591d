/**
 * `@public`: a subgraph's declaration that a field resolves to the same value for every caller,
 * anonymous ones included (its rule is `allow` and its resolver never reads the viewer). The
 * gateway may then resolve it once for many subscribers of a subscription, anonymously (see
 * gateway/src/subscriptions/). Because such a fetch carries no viewer at all, a field marked by
 * mistake can only come back as an anonymous caller would see it (null, FORBIDDEN): it never
 * shows one viewer's data to another.
 *
 * A subgraph that marks fields links the spec and composes the directive into the supergraph:
 *
 * ```graphql
 * extend schema
 *   @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])
 *   @link(url: "https://ticketing.example/public/v1.0", import: ["@public"])
 *   @composeDirective(name: "@public")
 * directive @public on FIELD_DEFINITION
 * ```
 */
export const PUBLIC_SPEC_IDENTITY = 'https://ticketing.example/public';
/** The directive's name in the spec (a schema may import it under another name). */
export const PUBLIC_DIRECTIVE = 'public';
