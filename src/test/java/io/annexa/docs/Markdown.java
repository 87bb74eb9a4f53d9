package io.annexa.docs;

/** The little Markdown the generated pages need: code spans and table cells that survive any text. */
final class Markdown {

    private Markdown() {
    }

    /** A code span holding {@code text} verbatim, whatever backticks it contains. */
    static String code(String text) {
        String fence = "`";
        while (text.contains(fence)) {
            fence += "`";
        }
        boolean pad = text.startsWith("`") || text.endsWith("`");
        return fence + (pad ? " " + text + " " : text) + fence;
    }

    /** Text for a table cell: a pipe would end the cell (also inside a code span), a line break the row. */
    static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
