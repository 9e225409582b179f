package dev.sysmem.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ties each {@link AccessMode} to the {@code VarHandle} access it makes, by reading the bytecode
 * the views run: the memory-ordering difference between the modes cannot be observed on this
 * machine (x86-64 is TSO), so a mode silently routed to another mode's access would pass every
 * behavioural test. The expected accesses are keyed by the constants' names, so neither a
 * reordered enum nor a mode mapped by position can go unnoticed.
 */
class AccessModeRoutingTest {

    private static final String VAR_HANDLE = "java/lang/invoke/VarHandle";

    private static final Map<AccessMode, String> READ = Map.of(
            AccessMode.PLAIN, "get",
            AccessMode.OPAQUE, "getOpaque",
            AccessMode.ACQUIRE_RELEASE, "getAcquire",
            AccessMode.VOLATILE, "getVolatile");

    private static final Map<AccessMode, String> WRITE = Map.of(
            AccessMode.PLAIN, "set",
            AccessMode.OPAQUE, "setOpaque",
            AccessMode.ACQUIRE_RELEASE, "setRelease",
            AccessMode.VOLATILE, "setVolatile");

    /**
     * The guarded path's 8/16-bit stores: the JVM cannot recover from a fault in the JDK's ordered
     * 8/16-bit stores, so MappedAccess makes a plain store with the fences the mode needs.
     */
    private static final Map<AccessMode, List<String>> SMALL_GUARDED_WRITE = Map.of(
            AccessMode.PLAIN, List.of("set"),
            AccessMode.OPAQUE, List.of("releaseFence", "set"),
            AccessMode.ACQUIRE_RELEASE, List.of("releaseFence", "set"),
            AccessMode.VOLATILE, List.of("releaseFence", "set", "fullFence"));

    @Test
    void modesAreDeclaredFromWeakestToStrongest() {
        // AccessMode's javadoc promises this order, and callers may compare modes by it.
        assertThat(AccessMode.values()).containsExactly(
                AccessMode.PLAIN, AccessMode.OPAQUE, AccessMode.ACQUIRE_RELEASE, AccessMode.VOLATILE);
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void eachModesViewMakesThatModesVarHandleAccessAndNoOther(AccessMode mode) {
        try (SharedMemory shm = SharedMemory.anonymous(4096)) {
            // A whole region's view: a hidden class defined from its mode's class file (ConstantViews).
            Class<?> whole = shm.io("ram").withMode(mode).getClass();
            assertThat(whole.isHidden()).as("%s view of a whole region", mode).isTrue();
            assertThat(whole.getSuperclass()).isEqualTo(DirectSysMem.class);
            assertMakesOnly(mode, templateOf(whole));
            // A slice: the mode's class loaded by its name.
            Class<?> slice = shm.io("ram").slice(64, 64).withMode(mode).getClass();
            assertThat(slice.isHidden()).as("%s slice", mode).isFalse();
            assertThat(slice.getSuperclass()).isEqualTo(DirectSysMem.class);
            assertMakesOnly(mode, slice);
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void theRareViewsDelegateToTheSameModesView(AccessMode mode) {
        MemorySegment segment = java.lang.foreign.Arena.global().allocate(64, 8);
        assertThat(SysMem.direct("ram", segment, mode).getClass())
                .isEqualTo(templateOf(SysMem.of("ram", segment).withMode(mode).getClass()))
                .isEqualTo(ConstantViews.template(mode));
        assertThat(SysMem.direct("ram", segment, mode).mode()).isEqualTo(mode);
        assertThat(SysMem.of("ram", segment).withMode(mode).mode()).isEqualTo(mode);
    }

    @Test
    void theRoutingCheckRefusesAViewThatMakesAWeakerAccess() {
        // The control: every access of a VOLATILE view but a release store for write32.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertMakesOnly(AccessMode.VOLATILE, MisroutedVolatileView.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("MisroutedVolatileView.write32")
                .hasMessageContaining("setRelease");
        // The same class passes as what it really is everywhere but that write.
        for (String read : List.of("read8", "read16", "read32", "read64")) {
            assertThat(varHandleCalls(MisroutedVolatileView.class, read)).containsExactly(READ.get(AccessMode.VOLATILE));
        }
        assertThat(varHandleCalls(MisroutedVolatileView.class, "write32")).containsExactly(WRITE.get(AccessMode.ACQUIRE_RELEASE));
    }

    /** {@code view}'s reads and writes each make {@code mode}'s VarHandle access and no other. */
    private static void assertMakesOnly(AccessMode mode, Class<?> view) {
        for (String read : List.of("read8", "read16", "read32", "read64")) {
            assertThat(varHandleCalls(view, read)).as("%s.%s", view.getSimpleName(), read).containsExactly(READ.get(mode));
        }
        for (String write : List.of("write8", "write16", "write32", "write64")) {
            assertThat(varHandleCalls(view, write)).as("%s.%s", view.getSimpleName(), write).containsExactly(WRITE.get(mode));
        }
    }

    /**
     * The class a hidden view class was defined from: its name is the template's, followed by
     * {@code /} and a suffix the JVM chooses, and ConstantViews defines it from that class's file.
     */
    private static Class<?> templateOf(Class<?> hidden) {
        assertThat(hidden.isHidden()).as("%s is hidden", hidden).isTrue();
        try {
            return Class.forName(hidden.getName().substring(0, hidden.getName().indexOf('/')));
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no class of the name of hidden class " + hidden.getName(), e);
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void theGuardedPathForMappedFilesMakesThatModesAccess(AccessMode mode) {
        Map<Integer, List<String>> cases = casesOf(MappedAccess.class, "access");
        for (Width width : Width.values()) {
            assertThat(cases.get(MappedAccess.readCode(width, mode))).as("%s read of %s", mode, width)
                    .containsExactly("U" + width.bits(), READ.get(mode));
            List<String> write = width.bytes() < 4 ? SMALL_GUARDED_WRITE.get(mode) : List.of(WRITE.get(mode));
            List<String> expected = new ArrayList<>(List.of("U" + width.bits()));
            expected.addAll(write);
            assertThat(cases.get(MappedAccess.writeCode(width, mode))).as("%s write of %s", mode, width)
                    .containsExactlyElementsOf(expected);
        }
    }

    /** The names of the {@code VarHandle} methods {@code method} of {@code type} invokes. */
    private static Set<String> varHandleCalls(Class<?> type, String method) {
        Set<String> names = new TreeSet<>();
        for (MethodModel m : parse(type).methods()) {
            if (m.methodName().equalsString(method)) {
                m.code().orElseThrow().forEach(e -> {
                    if (e instanceof InvokeInstruction i && i.owner().asInternalName().equals(VAR_HANDLE)) {
                        names.add(i.name().stringValue());
                    }
                });
            }
        }
        assertThat(names).as("%s.%s invokes a VarHandle", type.getSimpleName(), method).isNotEmpty();
        return names;
    }

    /**
     * For each case of the table switch in {@code method}: the first static field it loads (the
     * handle) and the first {@code VarHandle} method it invokes.
     */
    private static Map<Integer, List<String>> casesOf(Class<?> type, String method) {
        CodeModel code = parse(type).methods().stream().filter(m -> m.methodName().equalsString(method))
                .findFirst().orElseThrow().code().orElseThrow();
        List<CodeElement> elements = code.elementList();
        TableSwitchInstruction table = elements.stream().filter(TableSwitchInstruction.class::isInstance)
                .map(TableSwitchInstruction.class::cast).findFirst().orElseThrow();
        Map<Integer, List<String>> cases = new java.util.HashMap<>();
        for (SwitchCase c : table.cases()) {
            cases.put(c.caseValue(), firstHandleAndCall(elements, c.target()));
        }
        return cases;
    }

    /** The first {@code VarHandle} field a case loads, then every {@code VarHandle} method it invokes, in order. */
    private static List<String> firstHandleAndCall(List<CodeElement> elements, Label target) {
        int start = 0;
        while (!(elements.get(start) instanceof LabelTarget t && t.label().equals(target))) {
            start++;
        }
        String handle = null;
        List<String> calls = new ArrayList<>();
        for (int i = start; i < elements.size() && !(elements.get(i) instanceof ReturnInstruction); i++) {
            if (handle == null && elements.get(i) instanceof FieldInstruction f
                    && f.typeSymbol().descriptorString().equals("L" + VAR_HANDLE + ";")) {
                handle = f.name().stringValue();
            } else if (elements.get(i) instanceof InvokeInstruction call && call.owner().asInternalName().equals(VAR_HANDLE)) {
                calls.add(call.name().stringValue());
            }
        }
        List<String> found = new ArrayList<>();
        found.add(handle);
        found.addAll(calls);
        return found;
    }

    private static ClassModel parse(Class<?> type) {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return ClassFile.of().parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
