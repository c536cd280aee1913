package io.flotta.core.controlplane;

/** What a device API call asks for: the route, and for {@code data/out} the envelope's directive. */
public enum Operation {
    GET_CONFIGURATION,
    GET_CONTROL,
    POST_CONTROL,
    ENROLMENT,
    REGISTRATION,
    HEARTBEAT,
    ANSIBLE,
    UNKNOWN_DIRECTIVE;

    public static Operation ofDirective(String directive) {
        if (directive == null) {
            return UNKNOWN_DIRECTIVE;
        }
        return switch (directive) {
            case "enrolment" -> ENROLMENT;
            case "registration" -> REGISTRATION;
            case "heartbeat" -> HEARTBEAT;
            case "ansible" -> ANSIBLE;
            default -> UNKNOWN_DIRECTIVE;
        };
    }
}
