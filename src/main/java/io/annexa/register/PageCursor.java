package io.annexa.register;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where the last page ended: sort field, direction, sort value and id, in one opaque URL-safe token. A token made
 * for another sort, or tampered with, is refused with a message instead of returning a wrong page.
 */
record PageCursor(NonconformityQuery.Sort sort, boolean descending, String value, long id) {

    String encode() {
        String text = sort.field() + "\n" + (descending ? "desc" : "asc") + "\n" + id + "\n" + value;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static PageCursor decode(String token, NonconformityQuery.Sort sort, boolean descending) {
        try {
            if (token.length() > 2048) {
                throw new IllegalArgumentException("too long");
            }
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 4);
            if (parts.length != 4 || !parts[0].equals(sort.field()) || !parts[1].equals(descending ? "desc" : "asc")) {
                throw new IllegalArgumentException("made for another sort order");
            }
            return new PageCursor(sort, descending, parts[3], Long.parseLong(parts[2]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not one this list gave out (" + e.getMessage()
                    + "); start again without it", e);
        }
    }
}
