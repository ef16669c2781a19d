package io.memproxy.cli;

import io.memproxy.image.ContainerImage;
import io.memproxy.image.ImageException;
import io.memproxy.image.ImagePlatform;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** --image and --platform: a container image read into memory and examined in place of a root directory. */
public final class ImageOptions {
    @Option(names = "--image", paramLabel = "PATH",
            description = "Examine a container image without unpacking it: an OCI layout directory, an OCI archive or a docker save"
                    + " tarball. Its layers are applied in memory; its config gives the environment and the entrypoint.")
    Path image;

    @Option(names = "--platform", paramLabel = "OS/ARCH",
            description = "With --image: the manifest to pick from an image index, such as linux/amd64 or linux/arm64 (default: this machine's).")
    String platform;

    private ContainerImage opened;

    boolean given() {
        return image != null;
    }

    /** The image, read once; an unreadable or malformed one is one line and exit 3. */
    ContainerImage open() {
        if (opened == null) {
            if (platform != null && image == null) {
                throw new MemproxyException(ExitCodes.USAGE, "--platform goes with --image");
            }
            Optional<ImagePlatform> p;
            try {
                p = Optional.ofNullable(platform).map(ImagePlatform::parse);
            } catch (IllegalArgumentException e) {
                throw new MemproxyException(ExitCodes.USAGE, e.getMessage());
            }
            try {
                opened = ContainerImage.open(image, p, ContainerImage.Limits.defaults());
            } catch (ImageException e) {
                throw new MemproxyException(ExitCodes.COULD_NOT_RUN, e.getMessage());
            }
        }
        return opened;
    }

    /** Refuses --image together with --root: both say which system to examine. */
    void checkNotWithRoot(Path root) {
        if (image != null && root != null) {
            throw new MemproxyException(ExitCodes.USAGE, "--image and --root both name the system to examine; give one");
        }
        if (platform != null && image == null) {
            throw new MemproxyException(ExitCodes.USAGE, "--platform goes with --image");
        }
    }
}
