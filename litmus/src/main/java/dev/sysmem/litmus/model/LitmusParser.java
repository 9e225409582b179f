package dev.sysmem.litmus.model;

import dev.sysmem.litmus.model.Lexer.Kind;
import dev.sysmem.litmus.model.Lexer.Mode;
import dev.sysmem.litmus.model.Lexer.Token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads C litmus tests in the herd7 format of the Linux kernel's {@code tools/memory-model}:
 *
 * <pre>
 * C MP+poonceonces
 *
 * (*
 *  * Result: Sometimes
 *  *)
 *
 * {}
 *
 * P0(int *x, int *y)
 * {
 *         WRITE_ONCE(*x, 1);
 *         WRITE_ONCE(*y, 1);
 * }
 *
 * P1(int *x, int *y)
 * {
 *         int r0;
 *         int r1;
 *
 *         r0 = READ_ONCE(*y);
 *         r1 = READ_ONCE(*x);
 * }
 *
 * exists (1:r0=1 /\ 1:r1=0)
 * </pre>
 *
 * <p><b>Guarantees.</b> The parser builds the whole {@link LitmusProgram} or throws a
 * {@link LitmusSyntaxException} naming the file, line and column of the first problem; it never
 * returns half a program. It accepts every construct the format has, including those no runner
 * of this project executes (RCU calls, pointers, plain accesses): deciding what can be run is the
 * runner's job, so that it can say why it refuses a file instead of failing to read it.
 */
public final class LitmusParser {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_/.+\\-\\[\\]:]+");
    private static final Pattern RESULT = Pattern.compile("(?m)^[\\s*]*Result:\\s*(\\S+)");
    private static final Pattern PROCESS = Pattern.compile("P(\\d+)");
    private static final Set<String> TYPE_WORDS = Set.of("int", "long", "short", "char", "unsigned", "signed", "bool",
            "volatile", "const", "intptr_t", "uintptr_t", "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t",
            "uint16_t", "uint32_t", "uint64_t", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "atomic_t",
            "atomic_int", "spinlock_t", "void");
    private static final Set<String> CONDITION_WORDS = Set.of("exists", "forall", "final", "locations", "filter", "~");
    private static final Set<String> UNSUPPORTED_STATEMENTS = Set.of("while", "for", "do", "switch", "goto", "return",
            "break", "continue");
    private static final List<List<String>> BINARY_LEVELS = List.of(List.of("|"), List.of("^"), List.of("&"),
            List.of("==", "!="), List.of("<", ">", "<=", ">="), List.of("+", "-"), List.of("*", "/", "%"));

    private final String file;
    private final String text;
    private Lexer lexer;

    private LitmusParser(String file, String text) {
        this.file = file;
        this.text = text;
    }

    /** Parses the file at {@code path}; errors name it as given. */
    public static LitmusProgram parse(Path path) throws IOException {
        return parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    /**
     * Parses {@code text}; {@code file} names it in error messages.
     *
     * @throws LitmusSyntaxException if the text is not a well-formed C litmus test
     */
    public static LitmusProgram parse(String file, String text) {
        return new LitmusParser(file, text).program();
    }

    private LitmusProgram program() {
        lexer = new Lexer(file, text, 0);
        int i = skipWhitespace(0);
        if (!text.startsWith("C", i) || i + 1 >= text.length() || !Character.isWhitespace(text.charAt(i + 1))) {
            throw lexer.error(lexer.position(i), "expected 'C' and the test's name on the first line "
                    + "(only C litmus tests are read)");
        }
        int nameStart = skipBlanksOnLine(i + 1);
        int nameEnd = nameStart;
        while (nameEnd < text.length() && !Character.isWhitespace(text.charAt(nameEnd))) {
            nameEnd++;
        }
        String name = text.substring(nameStart, nameEnd);
        if (!NAME.matcher(name).matches()) {
            throw lexer.error(lexer.position(nameStart), name.isEmpty() ? "the test has no name after 'C'"
                    : "'" + name + "' is not a test name (letters, digits and _/.+-[]: only)");
        }
        int lineEnd = text.indexOf('\n', nameEnd);
        i = lineEnd < 0 ? text.length() : lineEnd + 1;

        Optional<String> result = Optional.empty();
        Map<String, String> info = new LinkedHashMap<>();
        while (true) {
            i = skipWhitespace(i);
            if (i >= text.length()) {
                throw lexer.error(lexer.position(i), "no init block: expected '{' after the name and comments");
            }
            if (text.startsWith("(*", i)) {
                int end = text.indexOf("*)", i + 2);
                if (end < 0) {
                    throw lexer.error(lexer.position(i), "comment is never closed (no '*)')");
                }
                if (result.isEmpty()) {
                    Matcher m = RESULT.matcher(text.substring(i + 2, end));
                    if (m.find()) {
                        result = Optional.of(m.group(1));
                    }
                }
                i = end + 2;
            } else if (text.charAt(i) == '"') {
                int end = text.indexOf('"', i + 1);
                if (end < 0) {
                    throw lexer.error(lexer.position(i), "doc string is never closed");
                }
                i = end + 1;
            } else if (text.charAt(i) == '{') {
                break;
            } else {
                int eol = text.indexOf('\n', i);
                String line = text.substring(i, eol < 0 ? text.length() : eol);
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw lexer.error(lexer.position(i), "unexpected text before the init block: '" + line.strip()
                            + "' (expected a (* comment *), a key = value line or '{')");
                }
                info.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                i = eol < 0 ? text.length() : eol + 1;
            }
        }
        lexer = new Lexer(file, text, i);
        lexer.mode(Mode.STATE);
        List<InitEntry> init = initBlock();
        List<LitmusProcess> processes = new ArrayList<>();
        while (true) {
            lexer.mode(Mode.C);
            Token t = lexer.peek();
            if (t.kind() == Kind.IDENT && PROCESS.matcher(t.text()).matches()) {
                processes.add(process(processes.size()));
            } else if (t.kind() == Kind.EOF) {
                throw lexer.error(t.position(), "no condition: expected exists, ~exists or forall after the processes");
            } else if (CONDITION_WORDS.contains(t.text()) || t.is("(")) {
                break;
            } else {
                throw lexer.error(t.position(), "expected a process P" + processes.size()
                        + "(...) or the condition, found " + Lexer.describe(t));
            }
        }
        if (processes.isEmpty()) {
            throw lexer.error(lexer.peek().position(), "the test has no process");
        }
        lexer.mode(Mode.STATE);
        Condition condition = condition();
        return new LitmusProgram(name, file, result, info, init, processes, condition);
    }

    private int skipWhitespace(int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private int skipBlanksOnLine(int from) {
        int i = from;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    // ---- init block -------------------------------------------------------------------------------

    private List<InitEntry> initBlock() {
        lexer.expect("{");
        List<InitEntry> entries = new ArrayList<>();
        while (!lexer.peek().is("}")) {
            if (lexer.peek().is(";")) {
                lexer.next();
                continue;
            }
            entries.add(initEntry());
            if (!lexer.peek().is("}")) {
                lexer.expect(";");
            }
        }
        lexer.next();
        return entries;
    }

    private InitEntry initEntry() {
        Token first = lexer.peek();
        if (first.kind() == Kind.NUMBER) {
            lexer.next();
            lexer.expect(":");
            Token reg = lexer.expectIdentifier("a register name after '" + first.text() + ":'");
            Value value = lexer.peek().is("=") ? initValue(lexer.next()) : new Value.Constant(0);
            return new InitEntry(Optional.of(processNumber(first)), reg.text(), Optional.empty(), value, first.position());
        }
        List<String> words = new ArrayList<>();
        int stars = 0;
        while (lexer.peek().kind() == Kind.IDENT || lexer.peek().is("*")) {
            Token t = lexer.next();
            if (t.is("*")) {
                stars++;
            } else {
                words.add(t.text());
            }
        }
        if (words.isEmpty()) {
            throw lexer.error(first.position(), "expected an init item (x=1; int *p=&y; 0:r0=1;) but found "
                    + Lexer.describe(first));
        }
        String name = words.removeLast();
        Optional<String> type = words.isEmpty() && stars == 0 ? Optional.empty()
                : Optional.of(String.join(" ", words) + (stars > 0 ? " " + "*".repeat(stars) : ""));
        Value value = lexer.peek().is("=") ? initValue(lexer.next()) : new Value.Constant(0);
        return new InitEntry(Optional.empty(), name, type, value, first.position());
    }

    private Value initValue(Token equals) {
        Token t = lexer.peek();
        if (t.kind() == Kind.NUMBER) {
            return new Value.Constant(number(lexer.next()));
        }
        if (t.is("&")) {
            lexer.next();
            return new Value.AddressOf(lexer.expectIdentifier("a variable after '&'").text());
        }
        if (t.is("ATOMIC_INIT")) {
            lexer.next();
            lexer.expect("(");
            Token n = lexer.peek();
            if (n.kind() != Kind.NUMBER) {
                throw lexer.error(n.position(), "ATOMIC_INIT takes an integer, found " + Lexer.describe(n));
            }
            lexer.next();
            lexer.expect(")");
            return new Value.Constant(number(n));
        }
        if (t.kind() == Kind.IDENT) {
            return new Value.AddressOf(lexer.next().text());
        }
        throw lexer.error(t.position(), "expected a value after '=' (an integer, a variable or &variable), found "
                + Lexer.describe(t));
    }

    private long number(Token t) {
        String s = t.text();
        boolean negative = s.startsWith("-");
        String digits = negative ? s.substring(1) : s;
        try {
            long v = digits.startsWith("0x") || digits.startsWith("0X") ? Long.parseLong(digits.substring(2), 16)
                    : Long.parseLong(digits);
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            throw lexer.error(t.position(), "number '" + s + "' does not fit 64 bits");
        }
    }

    private int processNumber(Token t) {
        long n = number(t);
        if (n < 0 || n > 1000) {
            throw lexer.error(t.position(), "no process " + t.text());
        }
        return (int) n;
    }

    // ---- processes --------------------------------------------------------------------------------

    private LitmusProcess process(int expectedIndex) {
        Token head = lexer.next();
        int index = Integer.parseInt(head.text().substring(1));
        if (index != expectedIndex) {
            throw lexer.error(head.position(), "expected process P" + expectedIndex + " (processes are numbered "
                    + "0, 1, ... in order) but found " + head.text());
        }
        lexer.expect("(");
        List<LitmusProcess.Parameter> parameters = new ArrayList<>();
        if (lexer.peek().is("void")) {
            lexer.next();
        }
        while (!lexer.peek().is(")")) {
            Token start = lexer.peek();
            List<String> words = new ArrayList<>();
            int stars = 0;
            while (lexer.peek().kind() == Kind.IDENT || lexer.peek().is("*")) {
                Token t = lexer.next();
                if (t.is("*")) {
                    stars++;
                } else {
                    words.add(t.text());
                }
            }
            if (words.size() < 2) {
                throw lexer.error(start.position(), "expected a parameter 'type *name' but found " + Lexer.describe(start));
            }
            String name = words.removeLast();
            parameters.add(new LitmusProcess.Parameter(String.join(" ", words) + " " + "*".repeat(stars), name));
            if (!lexer.peek().is(")")) {
                lexer.expect(",");
            }
        }
        lexer.next();
        Token open = lexer.expect("{");
        List<Statement> body = statementsUntilClose(open);
        return new LitmusProcess(index, parameters, body, head.position());
    }

    private List<Statement> statementsUntilClose(Token open) {
        List<Statement> out = new ArrayList<>();
        while (!lexer.peek().is("}")) {
            if (lexer.peek().kind() == Kind.EOF) {
                throw lexer.error(open.position(), "'{' is never closed");
            }
            statement().ifPresent(out::add);
        }
        lexer.next();
        return out;
    }

    private Optional<Statement> statement() {
        Token t = lexer.peek();
        if (t.is(";")) {
            lexer.next();
            return Optional.empty();
        }
        if (t.is("{")) {
            lexer.next();
            return Optional.of(new Statement.Block(statementsUntilClose(t), t.position()));
        }
        if (t.is("if")) {
            lexer.next();
            lexer.expect("(");
            Expression condition = expression();
            lexer.expect(")");
            List<Statement> then = branch();
            List<Statement> otherwise = List.of();
            if (lexer.peek().is("else")) {
                lexer.next();
                otherwise = branch();
            }
            return Optional.of(new Statement.If(condition, then, otherwise, t.position()));
        }
        if (t.kind() == Kind.IDENT && UNSUPPORTED_STATEMENTS.contains(t.text())) {
            throw lexer.error(t.position(), "'" + t.text() + "' statements are not part of the C subset herd7 "
                    + "accepts in litmus tests");
        }
        if (t.kind() == Kind.IDENT && TYPE_WORDS.contains(t.text())) {
            return Optional.of(declaration());
        }
        if (t.is("*")) {
            Expression target = unary();
            lexer.expect("=");
            Expression value = expression();
            lexer.expect(";");
            return Optional.of(new Statement.PlainStore(target, value, t.position()));
        }
        if (t.kind() == Kind.IDENT) {
            Expression e = expression();
            if (lexer.peek().is("=")) {
                lexer.next();
                if (!(e instanceof Expression.Name n)) {
                    throw lexer.error(e.position(), "only a register or *pointer can be assigned");
                }
                Expression value = expression();
                lexer.expect(";");
                return Optional.of(new Statement.Assignment(n.name(), value, t.position()));
            }
            lexer.expect(";");
            if (!(e instanceof Expression.Call c)) {
                throw lexer.error(t.position(), "an expression statement must be a call or an assignment");
            }
            return Optional.of(new Statement.CallStatement(c, t.position()));
        }
        throw lexer.error(t.position(), "expected a statement but found " + Lexer.describe(t));
    }

    private List<Statement> branch() {
        return statement().map(List::of).orElse(List.of());
    }

    private Statement declaration() {
        Token start = lexer.peek();
        List<String> words = new ArrayList<>();
        int stars = 0;
        while (lexer.peek().kind() == Kind.IDENT && TYPE_WORDS.contains(lexer.peek().text())) {
            words.add(lexer.next().text());
        }
        while (lexer.peek().is("*")) {
            lexer.next();
            stars++;
        }
        Token name = lexer.expectIdentifier("a register name in the declaration");
        String type = String.join(" ", words) + (stars > 0 ? " " + "*".repeat(stars) : "");
        Optional<Expression> init = Optional.empty();
        if (lexer.peek().is("=")) {
            lexer.next();
            init = Optional.of(expression());
        }
        lexer.expect(";");
        return new Statement.Declaration(type, name.text(), init, start.position());
    }

    // ---- expressions ------------------------------------------------------------------------------

    private Expression expression() {
        return binary(0);
    }

    private Expression binary(int level) {
        if (level == BINARY_LEVELS.size()) {
            return unary();
        }
        Expression left = binary(level + 1);
        while (lexer.peek().kind() == Kind.PUNCT && BINARY_LEVELS.get(level).contains(lexer.peek().text())) {
            Token op = lexer.next();
            left = new Expression.Binary(op.text(), left, binary(level + 1), op.position());
        }
        return left;
    }

    private Expression unary() {
        Token t = lexer.peek();
        if (t.is("*")) {
            lexer.next();
            return new Expression.Dereference(unary(), t.position());
        }
        if (t.is("&")) {
            lexer.next();
            return new Expression.AddressOf(lexer.expectIdentifier("a variable after '&'").text(), t.position());
        }
        if (t.is("-")) {
            lexer.next();
            return new Expression.Negation(unary(), t.position());
        }
        if (t.is("(")) {
            lexer.next();
            if (lexer.peek().kind() == Kind.IDENT && TYPE_WORDS.contains(lexer.peek().text())) {
                List<String> words = new ArrayList<>();
                while (lexer.peek().kind() == Kind.IDENT && TYPE_WORDS.contains(lexer.peek().text())) {
                    words.add(lexer.next().text());
                }
                int stars = 0;
                while (lexer.peek().is("*")) {
                    lexer.next();
                    stars++;
                }
                lexer.expect(")");
                String type = String.join(" ", words) + (stars > 0 ? " " + "*".repeat(stars) : "");
                return new Expression.Cast(type, unary(), t.position());
            }
            Expression inner = expression();
            lexer.expect(")");
            return inner;
        }
        if (t.kind() == Kind.NUMBER) {
            return new Expression.Constant(number(lexer.next()), t.position());
        }
        if (t.kind() == Kind.IDENT) {
            lexer.next();
            if (lexer.peek().is("(")) {
                lexer.next();
                List<Expression> args = new ArrayList<>();
                while (!lexer.peek().is(")")) {
                    args.add(expression());
                    if (!lexer.peek().is(")")) {
                        lexer.expect(",");
                    }
                }
                lexer.next();
                return new Expression.Call(t.text(), args, t.position());
            }
            return new Expression.Name(t.text(), t.position());
        }
        throw lexer.error(t.position(), "expected an expression but found " + Lexer.describe(t));
    }

    // ---- condition --------------------------------------------------------------------------------

    private Condition condition() {
        List<Observable> locations = new ArrayList<>();
        Optional<Proposition> filter = Optional.empty();
        while (true) {
            Token t = lexer.peek();
            if (t.is("locations")) {
                lexer.next();
                lexer.expect("[");
                while (!lexer.peek().is("]")) {
                    locations.add(observable());
                    if (!lexer.peek().is("]")) {
                        lexer.expect(";");
                    }
                }
                lexer.next();
            } else if (t.is("filter")) {
                lexer.next();
                filter = Optional.of(proposition());
            } else {
                break;
            }
        }
        Token q = lexer.peek();
        Condition.Quantifier quantifier;
        if (q.is("exists") || q.is("final")) {
            lexer.next();
            quantifier = Condition.Quantifier.EXISTS;
        } else if (q.is("~")) {
            lexer.next();
            lexer.expect("exists");
            quantifier = Condition.Quantifier.NOT_EXISTS;
        } else if (q.is("forall")) {
            lexer.next();
            quantifier = Condition.Quantifier.FORALL;
        } else if (q.is("(")) {
            quantifier = Condition.Quantifier.EXISTS;
        } else {
            throw lexer.error(q.position(), "expected exists, ~exists or forall but found " + Lexer.describe(q));
        }
        Proposition p = proposition();
        while (lexer.peek().is(";")) {
            lexer.next();
        }
        Token end = lexer.peek();
        if (end.kind() != Kind.EOF) {
            throw lexer.error(end.position(), "unexpected " + Lexer.describe(end) + " after the condition");
        }
        return new Condition(quantifier, p, filter, locations, q.position());
    }

    private Proposition proposition() {
        Proposition left = disjunction();
        if (lexer.peek().is("=>")) {
            lexer.next();
            return new Proposition.Implies(left, proposition());
        }
        return left;
    }

    private Proposition disjunction() {
        Proposition left = conjunction();
        while (lexer.peek().is("\\/")) {
            lexer.next();
            left = new Proposition.Or(left, conjunction());
        }
        return left;
    }

    private Proposition conjunction() {
        Proposition left = negation();
        while (lexer.peek().is("/\\")) {
            lexer.next();
            left = new Proposition.And(left, negation());
        }
        return left;
    }

    private Proposition negation() {
        Token t = lexer.peek();
        if (t.is("~") || t.is("not")) {
            lexer.next();
            return new Proposition.Not(negation());
        }
        if (t.is("(")) {
            lexer.next();
            Proposition inner = proposition();
            lexer.expect(")");
            return inner;
        }
        if (t.is("true") || t.is("false")) {
            lexer.next();
            return new Proposition.Truth(t.is("true"));
        }
        Observable o = observable();
        Token op = lexer.peek();
        boolean equal;
        if (op.is("=") || op.is("==")) {
            equal = true;
        } else if (op.is("!=")) {
            equal = false;
        } else {
            throw lexer.error(op.position(), "expected '=' or '!=' after " + o.label() + " but found " + Lexer.describe(op));
        }
        lexer.next();
        Token v = lexer.peek();
        Value value;
        if (v.kind() == Kind.NUMBER) {
            value = new Value.Constant(number(lexer.next()));
        } else if (v.kind() == Kind.IDENT) {
            value = new Value.AddressOf(lexer.next().text());
        } else if (v.is("&")) {
            lexer.next();
            value = new Value.AddressOf(lexer.expectIdentifier("a variable after '&'").text());
        } else {
            throw lexer.error(v.position(), "expected a value after '" + op.text() + "' but found " + Lexer.describe(v));
        }
        return new Proposition.Atom(o, equal, value, t.position());
    }

    private Observable observable() {
        Token t = lexer.peek();
        if (t.kind() == Kind.NUMBER) {
            lexer.next();
            lexer.expect(":");
            Token reg = lexer.expectIdentifier("a register after '" + t.text() + ":'");
            return new Observable.RegisterRef(processNumber(t), reg.text());
        }
        if (t.is("[")) {
            lexer.next();
            Token var = lexer.expectIdentifier("a variable inside '[ ]'");
            lexer.expect("]");
            return new Observable.MemoryRef(var.text());
        }
        if (t.kind() == Kind.IDENT) {
            lexer.next();
            return new Observable.MemoryRef(t.text());
        }
        throw lexer.error(t.position(), "expected a register (1:r0) or a variable but found " + Lexer.describe(t));
    }
}
