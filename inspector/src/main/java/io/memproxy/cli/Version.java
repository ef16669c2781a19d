package io.memproxy.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven wrote into memproxy-version.properties at build time. */
public final class Version implements IVersionProvider {
    public static String get() {
        try (InputStream in = Version.class.getResourceAsStream("/memproxy-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"memproxy " + get()};
    }
}
