"""Every rule either report can raise: id, level and why it has that level.

Levels mean what `Level` says (ERR breaks a call on the wire, WARN changes what code written
against the old spec relies on, INFO neither); for server drift ERR is the spec being wrong in
a way a generated client trips over. Direction
matters: a value a server may now *send* is judged differently from one a client may now *send*.
"""

from __future__ import annotations

from dataclasses import dataclass

from invoicexpress_drift._model import Level


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    why: str


def _rules(*items: tuple[str, Level, str]) -> dict[str, Rule]:
    return {rid: Rule(rid, level, why) for rid, level, why in items}


E, W, N = Level.ERR, Level.WARN, Level.INFO  # N: iNfo

SPEC_RULES: dict[str, Rule] = _rules(
    ("api-path-removed", E, "every call to the path now fails"),
    ("api-path-added", N, "new capability"),
    ("api-operation-removed", E, "calls to the method now fail"),
    ("api-operation-added", N, "new capability"),
    ("api-operation-moved", E, "calls to the old method and path now fail"),
    ("api-operation-id-changed", W, "generated client function and module names follow it"),
    ("deprecation-changed", N, "still works; plan the migration"),
    ("server-removed", E, "clients configured with that server URL lose it"),
    ("server-added", N, "an additional server"),
    ("server-variable-narrowed", E, "a server URL clients build may no longer be valid"),
    ("request-parameter-removed", W, "clients still sending it may be rejected or ignored"),
    ("new-required-request-parameter", E, "existing calls lack it"),
    ("new-optional-request-parameter", N, "existing calls stay valid"),
    ("request-parameter-became-required", E, "calls omitting it now fail"),
    ("request-parameter-became-optional", N, "existing calls stay valid"),
    ("request-parameter-type-changed", E, "values clients send may no longer be accepted"),
    ("request-parameter-type-generalized", N, "every old value is still accepted"),
    ("request-parameter-enum-value-removed", E, "clients sending that value now fail"),
    ("request-parameter-enum-value-added", N, "old values still accepted"),
    ("request-parameter-in-changed", E, "clients send it where the server no longer reads it"),
    ("request-parameter-style-changed", E, "clients serialise the value the old way"),
    ("request-constraint-tightened", E, "values clients send today may now be refused"),
    ("request-constraint-relaxed", N, "every value sent today is still accepted"),
    ("request-default-changed", E, "clients omitting the value silently get other data"),
    ("request-default-removed", W, "what an omitted value means is no longer promised"),
    ("request-default-added", N, "documents what omitting the value already did"),
    ("request-body-removed", W, "clients still sending a body may be refused or ignored"),
    ("request-body-became-required", E, "calls without a body now fail"),
    ("request-body-media-type-removed", E, "clients sending that media type now fail"),
    ("request-body-media-type-added", N, "old media types still accepted"),
    ("request-property-removed", W, "clients still sending it may be rejected or ignored"),
    ("request-property-removed-closed", E, "the object is closed: clients still sending it fail"),
    ("new-required-request-property", E, "existing request bodies lack it"),
    ("new-optional-request-property", N, "existing request bodies stay valid"),
    ("request-property-became-required", E, "bodies omitting it now fail"),
    ("request-property-became-optional", N, "existing bodies stay valid"),
    ("request-property-type-changed", E, "values clients send may no longer be accepted"),
    ("request-property-type-generalized", N, "every old value is still accepted"),
    ("request-property-enum-value-removed", E, "clients sending that value now fail"),
    ("request-property-enum-value-added", N, "old values still accepted"),
    ("response-property-removed", E, "clients reading it get nothing"),
    ("response-property-renamed", E, "clients reading the old name get nothing"),
    ("response-property-added", N, "generated models keep unknown keys in a bag"),
    ("response-property-became-optional", E, "clients relying on it may get nothing"),
    ("response-property-became-required", N, "clients get at least what they got"),
    ("response-property-type-changed", E, "clients may receive a type they cannot parse"),
    ("response-property-type-narrowed", N, "every value is still of an old type"),
    ("response-property-enum-value-added", E, "generated enums are closed: unknown values raise"),
    ("response-property-enum-value-removed", N, "clients simply stop seeing it"),
    ("response-constraint-relaxed", E, "clients may receive values they do not expect"),
    ("response-constraint-tightened", N, "every value received is still one clients expect"),
    ("response-default-changed", N, "a default in a response documents, it does not change data"),
    ("response-additional-properties-changed", N, "generated models keep unknown keys in a bag"),
    ("discriminator-changed", E, "clients pick the variant by another property or mapping"),
    ("discriminator-annotation-changed", N, "the same branches and values; only a parsing hint"),
    ("response-success-status-removed", E, "clients handling it never see it again"),
    ("response-success-status-added", N, "a new success answer clients may not parse"),
    ("response-non-success-status-removed", W, "calls work; typed handling of it goes away"),
    ("response-non-success-status-added", N, "a newly documented failure"),
    ("response-media-type-removed", E, "clients expecting that media type get another"),
    ("response-media-type-added", N, "an additional media type"),
    ("response-required-header-removed", E, "clients reading the header get nothing"),
    ("response-optional-header-removed", W, "clients reading the header may get nothing"),
    ("response-header-became-optional", E, "clients relying on the header may get nothing"),
    ("response-header-added", N, "an additional header"),
    ("api-security-added", E, "calls without the new credentials fail"),
    ("security-scheme-replaced", E, "the old credentials stop working"),
    ("api-security-removed", N, "calls need fewer credentials"),
    ("security-scheme-changed", E, "credentials are now sent differently"),
    ("state-transition-removed", E, "a state change clients use is now refused"),
    ("state-transition-added", N, "a new state change is allowed"),
    ("state-machine-initial-changed", E, "transitions clients make from the old start fail"),
    ("state-transition-requires-added", E, "a new required request field: calls lacking it fail"),
    ("state-transition-requires-removed", N, "calls sending it still work"),
)

SERVER_RULES: dict[str, Rule] = _rules(
    ("undocumented-operation", W, "the server answered a method and path the spec lacks"),
    ("undocumented-success-status", E, "a success the generated client cannot parse"),
    ("undocumented-status-code", W, "a failure status the spec does not list"),
    ("security-not-enforced", E, "a request without the documented credentials succeeded"),
    ("undocumented-content-type", W, "a body in a media type the spec does not list"),
    ("undocumented-response-field", W, "the server sends a field the spec does not describe"),
    ("missing-required-field", E, "a field the spec promises was absent"),
    ("type-mismatch", E, "a value of a type the spec does not allow"),
    ("numeric-string-for-number", W, "a number sent as a numeric string"),
    ("number-for-string", W, "a string field sent as a JSON number"),
    ("unexpected-null", W, "null where the spec does not allow it"),
    ("date-format-mismatch", E, "a date in the other format (dd/mm/yyyy versus ISO)"),
    ("format-mismatch", W, "a string breaking its documented format or pattern"),
    ("undocumented-enum-value", E, "generated enums are closed: the value raises"),
    ("undocumented-error-shape", W, "an error body matching no documented shape"),
    ("state-event-undocumented", W, "a change-state event outside x-state-machine"),
    ("state-transition-undocumented", E, "a transition the state machine says must fail worked"),
    ("state-transition-refused", E, "a documented transition was refused"),
    ("state-transition-target-mismatch", E, "a transition ended in another state than documented"),
)
