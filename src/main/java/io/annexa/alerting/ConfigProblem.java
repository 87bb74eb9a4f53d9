package io.annexa.alerting;

public record ConfigProblem(String file, int line, int column, String message) {
}
