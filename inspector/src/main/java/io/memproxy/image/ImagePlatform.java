package io.memproxy.image;

import java.util.Locale;
import java.util.Optional;

/**
 * An image platform as OCI writes it ("linux/amd64", "linux/arm64/v8"). The default is this machine's:
 * the JVM's os.arch in OCI's words (GOARCH), the one table of that mapping.
 */
public record ImagePlatform(String os, String architecture, String variant) {
    /** --platform OS/ARCH[/VARIANT]; a usage problem is an IllegalArgumentException. */
    public static ImagePlatform parse(String s) {
        String[] p = s.split("/", -1);
        if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty()) {
            throw new IllegalArgumentException("--platform " + s + ": expected OS/ARCH or OS/ARCH/VARIANT, such as linux/amd64 or linux/arm64");
        }
        return new ImagePlatform(p[0], p[1], p.length == 3 ? p[2] : "");
    }

    public static ImagePlatform host() {
        String arch = switch (System.getProperty("os.arch").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "arm" -> "arm";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            default -> System.getProperty("os.arch");
        };
        return new ImagePlatform("linux", arch, "");
    }

    /** Whether an image built for {@code os/architecture/variant} is this one (an empty variant matches any). */
    public boolean matches(String os, String architecture, Optional<String> variant) {
        return this.os.equals(os) && this.architecture.equals(architecture)
                && (this.variant.isEmpty() || variant.map(this.variant::equals).orElse(this.variant.equals("v8")));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
