/**
 * Container images (a docker save archive or an OCI layout) read without unpacking them to disk: the
 * manifest for a platform, the config's environment, and the layers merged into an in-memory file system
 * that the loader reads like a --root directory, within fixed memory limits. Its findings name the program a
 * container starts and the layer each file of the chain comes from, or the layer that deleted it.
 */
package io.memproxy.image;
