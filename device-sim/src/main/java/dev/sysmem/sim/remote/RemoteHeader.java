package dev.sysmem.sim.remote;

import dev.sysmem.io.AccessMode;
import dev.sysmem.io.SysMem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.sysmem.sim.remote.RemoteLayout.*;

/**
 * Reads and writes the words of a {@link RemoteLayout} header: the host's writes in the order the
 * protocol requires, the driver's reads with acquire where the protocol publishes. Not thread-safe
 * for writers: one host writes a header.
 */
final class RemoteHeader {

    private final SysMem plain;
    private final SysMem ordered;

    /** A header at the start of {@code file}, which must be at least {@link RemoteLayout#HEADER_SIZE} bytes. */
    RemoteHeader(SysMem file) {
        if (file.size() < HEADER_SIZE) {
            throw new IllegalArgumentException("'" + file.name() + "' is " + file.size() + " bytes, smaller than the "
                    + HEADER_SIZE + "-byte remote device header");
        }
        SysMem header = file.slice(0, HEADER_SIZE).withName(file.name() + " header");
        this.plain = header.withMode(AccessMode.OPAQUE);
        this.ordered = header.withMode(AccessMode.ACQUIRE_RELEASE);
    }

    /** Step 1 of the protocol: withdraws any old header, writes every word, then publishes MAGIC. */
    void announce(String kind, long regionSize, Duration heartbeatPeriod, long pid, long processStartMillis) {
        ordered.write64(MAGIC.offset(), 0);
        plain.write32(LAYOUT_VERSION.offset(), LAYOUT_VERSION_VALUE);
        plain.write32(STATE.offset(), RemoteState.STARTING.code());
        plain.write64(HEARTBEAT.offset(), 0);
        plain.write64(HEARTBEAT_PERIOD.offset(), heartbeatPeriod.toNanos());
        plain.write64(PID.offset(), pid);
        plain.write64(PROCESS_START.offset(), processStartMillis);
        plain.write64(REGION_OFFSET.offset(), HEADER_SIZE);
        plain.write64(REGION_SIZE.offset(), regionSize);
        byte[] name = kind.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < KIND_CAPACITY; i++) {
            plain.write8(KIND_OFFSET + i, i < name.length ? name[i] : 0);
        }
        plain.write32(FAILURE_LENGTH.offset(), 0);
        plain.write64(ENDED_AT.offset(), 0);
        ordered.write64(MAGIC.offset(), MAGIC_VALUE);
    }

    /** Writes STATE (release); for an end state, ENDED_AT = now first, so a reader of the state sees when. */
    void state(RemoteState state) {
        if (state.isEnd()) {
            plain.write64(ENDED_AT.offset(), System.currentTimeMillis());
        }
        ordered.write32(STATE.offset(), state.code());
    }

    void heartbeat(long beat) {
        ordered.write64(HEARTBEAT.offset(), beat);
    }

    /** Writes {@code reason} (cut to {@link RemoteLayout#FAILURE_CAPACITY} bytes), then STATE = failed. */
    void fail(String reason) {
        byte[] text = cutToCapacity(reason);
        for (int i = 0; i < text.length; i++) {
            plain.write8(FAILURE_OFFSET + i, text[i]);
        }
        plain.write32(FAILURE_LENGTH.offset(), text.length);
        state(RemoteState.FAILED);
    }

    private static byte[] cutToCapacity(String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        if (text.length <= FAILURE_CAPACITY) {
            return text;
        }
        // Cut at a character boundary, so the reader decodes no half character.
        int end = FAILURE_CAPACITY;
        while (end > 0 && (text[end] & 0xc0) == 0x80) {
            end--;
        }
        return java.util.Arrays.copyOf(text, end);
    }

    long magic() {
        return ordered.read64(MAGIC.offset());
    }

    int layoutVersion() {
        return plain.read32(LAYOUT_VERSION.offset());
    }

    int stateCode() {
        return ordered.read32(STATE.offset());
    }

    long heartbeat() {
        return ordered.read64(HEARTBEAT.offset());
    }

    long heartbeatPeriodNanos() {
        return plain.read64(HEARTBEAT_PERIOD.offset());
    }

    long pid() {
        return plain.read64(PID.offset());
    }

    long processStartMillis() {
        return plain.read64(PROCESS_START.offset());
    }

    long endedAtMillis() {
        return plain.read64(ENDED_AT.offset());
    }

    long regionOffset() {
        return plain.read64(REGION_OFFSET.offset());
    }

    long regionSize() {
        return plain.read64(REGION_SIZE.offset());
    }

    /** KIND as written, up to the first NUL; bytes that are not printable ASCII show as {@code ?}. */
    String kind() {
        StringBuilder kind = new StringBuilder();
        for (int i = 0; i < KIND_CAPACITY; i++) {
            int b = plain.read8(KIND_OFFSET + i);
            if (b == 0) {
                break;
            }
            kind.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        return kind.toString();
    }

    /** FAILURE, or the empty string if FAILURE_LENGTH is 0; a corrupt length is clamped to the capacity. */
    String failure() {
        int length = (int) Math.min(Integer.toUnsignedLong(plain.read32(FAILURE_LENGTH.offset())), FAILURE_CAPACITY);
        byte[] text = new byte[length];
        for (int i = 0; i < length; i++) {
            text[i] = (byte) plain.read8(FAILURE_OFFSET + i);
        }
        return new String(text, StandardCharsets.UTF_8);
    }
}
