package dev.sysmem.sim.vhost;

/**
 * The front-end sent something the vhost-user protocol does not allow, or this back-end cannot
 * honour: the message names the request and the field. The back-end logs it and closes the
 * connection; it never lets a malformed message reach guest memory.
 */
final class ProtocolViolation extends Exception {
    private static final long serialVersionUID = 1L;

    ProtocolViolation(String message) {
        super(message);
    }
}
