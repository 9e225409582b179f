package dev.sysmem.sim.mailbox;

/**
 * The device's answer to one mailbox request.
 *
 * @param sequence the request's DOORBELL sequence number
 * @param command  the COMMAND it ran
 * @param status   the STATUS it posted ({@link MailboxLayout#STATUS_OK} or an error code)
 * @param result   the RESULT it posted
 */
public record MailboxReply(int sequence, int command, int status, long result) {

    /** Whether the status is {@link MailboxLayout#STATUS_OK}. */
    public boolean isOk() {
        return status == MailboxLayout.STATUS_OK;
    }

    /**
     * Returns this reply if its status is OK.
     *
     * @throws MailboxException carrying this reply, if the device answered with an error status
     */
    public MailboxReply requireOk() {
        if (!isOk()) {
            throw new MailboxException("mailbox request " + this + " failed with status "
                    + MailboxLayout.statusName(status), this, null);
        }
        return this;
    }

    /** For example {@code #3 ADD -> OK 0x2a}. */
    @Override
    public String toString() {
        return "#" + Integer.toUnsignedString(sequence) + " " + MailboxLayout.commandName(command) + " -> "
                + MailboxLayout.statusName(status) + " 0x" + Long.toHexString(result);
    }
}
