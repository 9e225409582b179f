package dev.sysmem.sim.mailbox;

import java.util.Optional;

/**
 * A mailbox request did not succeed: the device answered with an error status
 * ({@link #reply()} holds the answer), or it did not answer before the driver's deadline (no
 * reply; the message says what the driver last saw).
 */
public final class MailboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient MailboxReply reply;

    MailboxException(String message, MailboxReply reply, Throwable cause) {
        super(message, cause);
        this.reply = reply;
    }

    /** The device's error answer, or empty if it did not answer in time. */
    public Optional<MailboxReply> reply() {
        return Optional.ofNullable(reply);
    }
}
