package dev.sysmem.litmus.model;

/**
 * A litmus file that is not well formed: the message names the file, the line and the column
 * where the parser gave up, and what it expected there.
 */
public final class LitmusSyntaxException extends IllegalArgumentException {

    private final String file;
    private final Position position;

    public LitmusSyntaxException(String file, Position position, String problem) {
        super(file + ":" + position.line() + ":" + position.column() + ": " + problem);
        this.file = file;
        this.position = position;
    }

    /** The file, as it was named to the parser. */
    public String file() {
        return file;
    }

    /** Where the problem is. */
    public Position position() {
        return position;
    }
}
