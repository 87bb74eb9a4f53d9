package io.annexa.launcher;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * The entry point of {@code annexa.jar}: adds Annexa's defaults to Payara Micro's command line and
 * starts it. {@code --port} wins over {@code ANNEXA_PORT}, which wins over 8080. Clustering and
 * phone-home are off: Annexa is one process that needs no data grid, and it starts faster without.
 * Uses only the JDK, as it runs before Payara's class loaders exist.
 */
public final class AnnexaLauncher {

    static final String PAYARA_MAIN = "fish.payara.micro.PayaraMicro";

    private AnnexaLauncher() {
    }

    public static void main(String[] args) throws Throwable {
        String[] payaraArgs = arguments(args, System.getenv("ANNEXA_PORT"));
        try {
            Class.forName(PAYARA_MAIN).getMethod("main", String[].class).invoke(null, (Object) payaraArgs);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static String[] arguments(String[] args, String portVariable) {
        List<String> result = new ArrayList<>(List.of(args));
        if (!result.contains("--port")) {
            String port = portVariable == null || portVariable.isBlank() ? "8080" : portVariable.strip();
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("ANNEXA_PORT '" + port + "' is not a TCP port number (1-65535)");
            }
            result.add("--port");
            result.add(port);
        }
        if (!result.contains("--nocluster") && !result.contains("--clustermode")) {
            result.add("--nocluster");
        }
        if (!result.contains("--disablephonehome")) {
            result.add("--disablephonehome");
        }
        return result.toArray(new String[0]);
    }
}
