package io.annexa.alerting;

public record SmtpSettings(String host, int port, String security, String username, String password, String from) {

    @Override
    public String toString() {
        return "SmtpSettings[" + security + "://" + host + ":" + port + " as " + username + ", from " + from + "]";
    }
}
