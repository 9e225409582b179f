package dev.sysmem.litmus.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a litmus file into tokens on demand. A file has two lexical languages: process bodies
 * are C ({@code //} and block comments, {@code (*x)} is a dereference), while the init block and
 * the condition are herd's state language ({@code (* ... *)} comments, {@code /\} and {@code \/}).
 * The parser says which one applies by {@link #mode(Mode)} before it reads the next token.
 */
final class Lexer {

    enum Mode { C, STATE }

    enum Kind { IDENT, NUMBER, PUNCT, EOF }

    record Token(Kind kind, String text, int start, int end, Position position) {
        boolean is(String s) {
            return kind != Kind.EOF && text.equals(s);
        }
    }

    private static final List<String> C_PUNCT = List.of("==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "++", "--",
            "->", "{", "}", "(", ")", "[", "]", ";", ",", "*", "&", "=", "<", ">", "+", "-", "/", "%", "|", "^", "~", "!",
            "?", ":", ".");
    private static final List<String> STATE_PUNCT = List.of("/\\", "\\/", "=>", "==", "!=", "{", "}", "(", ")", "[", "]",
            ";", ":", "=", "~", "*", "&", ",", "-");
    private static final Set<String> C_REJECTED = Set.of("&&", "||", "<<", ">>", "++", "--", "->", "!", "?", ".", "[", "]");

    private final String file;
    private final String text;
    private final int[] lineStarts;
    private int pos;
    private Mode mode = Mode.STATE;
    private Token peeked;

    Lexer(String file, String text, int start) {
        this.file = file;
        this.text = text;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        this.pos = start;
    }

    void mode(Mode newMode) {
        if (newMode != mode) {
            mode = newMode;
            peeked = null;
        }
    }

    Position position(int offset) {
        int lo = 0;
        int hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return new Position(lo + 1, offset - lineStarts[lo] + 1);
    }

    LitmusSyntaxException error(Position at, String problem) {
        return new LitmusSyntaxException(file, at, problem);
    }

    Token peek() {
        if (peeked == null) {
            peeked = scan(pos);
        }
        return peeked;
    }

    Token next() {
        Token t = peek();
        pos = t.end();
        peeked = null;
        return t;
    }

    Token expect(String s) {
        Token t = peek();
        if (!t.is(s)) {
            throw error(t.position(), "expected '" + s + "' but found " + describe(t));
        }
        return next();
    }

    Token expectIdentifier(String what) {
        Token t = peek();
        if (t.kind() != Kind.IDENT) {
            throw error(t.position(), "expected " + what + " but found " + describe(t));
        }
        return next();
    }

    static String describe(Token t) {
        return t.kind() == Kind.EOF ? "the end of the file" : "'" + t.text() + "'";
    }

    private Token scan(int from) {
        int i = skipBlanksAndComments(from);
        if (i >= text.length()) {
            return new Token(Kind.EOF, "", i, i, position(i));
        }
        char c = text.charAt(i);
        Position at = position(i);
        if (Character.isLetter(c) || c == '_') {
            int j = i + 1;
            while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
                j++;
            }
            return new Token(Kind.IDENT, text.substring(i, j), i, j, at);
        }
        boolean negative = mode == Mode.STATE && c == '-' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1));
        if (Character.isDigit(c) || negative) {
            int j = negative ? i + 1 : i;
            if (text.startsWith("0x", j) || text.startsWith("0X", j)) {
                j += 2;
                while (j < text.length() && Character.digit(text.charAt(j), 16) >= 0) {
                    j++;
                }
            } else {
                while (j < text.length() && Character.isDigit(text.charAt(j))) {
                    j++;
                }
            }
            if (j < text.length() && (Character.isLetter(text.charAt(j)) || text.charAt(j) == '_')) {
                throw error(at, "malformed number '" + text.substring(i, j + 1) + "'");
            }
            return new Token(Kind.NUMBER, text.substring(i, j), i, j, at);
        }
        for (String p : mode == Mode.C ? C_PUNCT : STATE_PUNCT) {
            if (text.startsWith(p, i)) {
                if (mode == Mode.C && C_REJECTED.contains(p)) {
                    throw error(at, "'" + p + "' is not part of the C subset herd7 accepts in litmus tests");
                }
                return new Token(Kind.PUNCT, p, i, i + p.length(), at);
            }
        }
        throw error(at, "unexpected character '" + c + "'");
    }

    private int skipBlanksAndComments(int from) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (mode == Mode.C && text.startsWith("//", i)) {
                int nl = text.indexOf('\n', i);
                i = nl < 0 ? text.length() : nl + 1;
            } else if (mode == Mode.C && text.startsWith("/*", i)) {
                i = closeComment(i, "*/");
            } else if (mode == Mode.STATE && text.startsWith("(*", i)) {
                i = closeComment(i, "*)");
            } else {
                break;
            }
        }
        return i;
    }

    private int closeComment(int open, String close) {
        int end = text.indexOf(close, open + 2);
        if (end < 0) {
            throw error(position(open), "comment is never closed (no '" + close + "')");
        }
        return end + close.length();
    }
}
