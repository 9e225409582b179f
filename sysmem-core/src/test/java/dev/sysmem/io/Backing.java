package dev.sysmem.io;

import dev.sysmem.testing.ShmFiles;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The two kinds of memory a {@link SysMem} runs on. They take different access paths (a mapped
 * file goes through {@code MappedAccess}), so behaviour tests run on both.
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
    };

    abstract SharedMemory allocate(ShmFiles files, long size);
}
