package io.annexa.access;

/**
 * Who is making a request, once authenticated: the user's name and the role in force (a token's role
 * may be weaker than its user's). {@code tokenId} is set when the request came with an API token.
 */
public record Caller(String name, Role role, Long tokenId) {

    public boolean may(Role needed) {
        return role.includes(needed);
    }

    /** How the acting user is written in history and logs: {@code alice} or {@code alice (token 7)}. */
    public String describe() {
        return tokenId == null ? name : name + " (token " + tokenId + ")";
    }
}
