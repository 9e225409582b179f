package dev.sysmem.sim.vhost;

/**
 * The front-end requests this back-end understands, with the payload size and the number of file
 * descriptors each must carry (QEMU {@code docs/interop/vhost-user.rst}, "Front-end message
 * types"). The numbers are the protocol's; they never change.
 *
 * <p>A size of {@link #VARIABLE} means the request's own fields give the size (a memory table: 8 +
 * 32 bytes per region; a config access: 12 + the bytes accessed); those are checked where the
 * payload is read. {@code fds} of {@link #ONE_OR_NONE} means one descriptor unless the payload's
 * "no fd" bit (0x100) is set.
 */
enum VhostUserRequest {
    GET_FEATURES(1, 0, 0),
    SET_FEATURES(2, 8, 0),
    SET_OWNER(3, 0, 0),
    RESET_OWNER(4, 0, 0),
    SET_MEM_TABLE(5, VhostUserRequest.VARIABLE, VhostUserRequest.PER_REGION),
    SET_VRING_NUM(8, 8, 0),
    SET_VRING_ADDR(9, 40, 0),
    SET_VRING_BASE(10, 8, 0),
    GET_VRING_BASE(11, 8, 0),
    SET_VRING_KICK(12, 8, VhostUserRequest.ONE_OR_NONE),
    SET_VRING_CALL(13, 8, VhostUserRequest.ONE_OR_NONE),
    SET_VRING_ERR(14, 8, VhostUserRequest.ONE_OR_NONE),
    GET_PROTOCOL_FEATURES(15, 0, 0),
    SET_PROTOCOL_FEATURES(16, 8, 0),
    GET_QUEUE_NUM(17, 0, 0),
    SET_VRING_ENABLE(18, 8, 0),
    GET_CONFIG(24, VhostUserRequest.VARIABLE, 0),
    SET_CONFIG(25, VhostUserRequest.VARIABLE, 0);

    static final int VARIABLE = -1;
    static final int ONE_OR_NONE = -1;
    static final int PER_REGION = -2;

    final int id;
    final int payloadSize;
    final int fds;

    VhostUserRequest(int id, int payloadSize, int fds) {
        this.id = id;
        this.payloadSize = payloadSize;
        this.fds = fds;
    }

    /** The request numbered {@code id}, or null if this back-end does not know it. */
    static VhostUserRequest of(int id) {
        for (VhostUserRequest r : values()) {
            if (r.id == id) {
                return r;
            }
        }
        return null;
    }

    /** {@code NAME (id)}, or {@code request id} for an unknown number. */
    static String describe(int id) {
        VhostUserRequest r = of(id);
        return r == null ? "request " + Integer.toUnsignedString(id) : r.name() + " (" + id + ")";
    }
}
