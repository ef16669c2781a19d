/**
 * systemd units read offline as the manager loads them (unit file, drop-ins, specifiers, environment files),
 * so that the doctor can examine the program and environment a service starts with, and memproxy install
 * --unit can write a drop-in that preloads the shim into that one service.
 */
package io.memproxy.unit;
