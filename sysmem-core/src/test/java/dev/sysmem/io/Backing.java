package dev.sysmem.io;

import dev.sysmem.testing.ShmFiles;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The kinds of memory a {@link SysMem} runs on. They take different access paths (a file sysmem
 * only opens goes through {@code MappedAccess}; anonymous memory and a sealed memfd take the
 * per-mode classes), so behaviour tests run on each.
 */
enum Backing {
    ANONYMOUS {
        @Override
        SharedMemory allocate(ShmFiles files, long size) {
            return SharedMemory.anonymous(size);
        }
    },
    FILE {
        @Override
        SharedMemory allocate(ShmFiles files, long size) {
            try {
                return SharedMemory.create(files.next("backing"), size);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    },
    SEALED_MEMFD {
        @Override
        SharedMemory allocate(ShmFiles files, long size) {
            try {
                return SharedMemory.sealed("backing", size);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    abstract SharedMemory allocate(ShmFiles files, long size);
}
