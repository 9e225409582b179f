package dev.sysmem.sim.vhost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One vhost-user message as it travels on the socket (QEMU {@code docs/interop/vhost-user.rst},
 * "Message Specification"): a 12-byte header of host-endian {@code u32 request}, {@code u32
 * flags}, {@code u32 size}, then {@code size} payload bytes, with any file descriptors attached as
 * SCM_RIGHTS to the header.
 *
 * <p>{@code flags}: bits 0-1 the protocol version (always 1), bit 2 {@link #FLAG_REPLY}, bit 3
 * {@link #FLAG_NEED_REPLY}; every other bit is reserved. A reply repeats the request number and
 * has flags exactly {@code 0x5} (version 1 and REPLY): QEMU refuses any other value.
 *
 * <p><b>Guarantees.</b> Immutable apart from the descriptors, which belong to whoever holds the
 * message until it hands them on or closes them. The payload is read little-endian (x86-64 and
 * aarch64 hosts: vhost-user is host-endian).
 */
record VhostUserMessage(int request, int flags, byte[] payload, int[] fds) {

    /** Bytes of the header. */
    static final int HEADER_SIZE = 12;
    /** The protocol version, in flags bits 0-1. */
    static final int VERSION = 1;
    static final int VERSION_MASK = 0x3;
    static final int FLAG_REPLY = 0x4;
    static final int FLAG_NEED_REPLY = 0x8;
    /** Flags of every reply the back-end sends. */
    static final int REPLY_FLAGS = VERSION | FLAG_REPLY;

    boolean needsReply() {
        return (flags & FLAG_NEED_REPLY) != 0;
    }

    /** The payload for reading, little-endian. */
    ByteBuffer body() {
        return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A reply to {@code request} carrying {@code payload}. */
    static VhostUserMessage reply(int request, byte[] payload) {
        return new VhostUserMessage(request, REPLY_FLAGS, payload, new int[0]);
    }

    /** A reply carrying one u64. */
    static VhostUserMessage replyU64(int request, long value) {
        return reply(request, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    /** Header and payload as they go on the wire. */
    byte[] encode() {
        return ByteBuffer.allocate(HEADER_SIZE + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(request).putInt(flags).putInt(payload.length).put(payload).array();
    }

    @Override
    public String toString() {
        return VhostUserRequest.describe(request) + "[flags=0x" + Integer.toHexString(flags) + ", " + payload.length
                + " payload bytes, fds=" + Arrays.toString(fds) + "]";
    }
}
