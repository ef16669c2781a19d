/**
 * The shim's decision, predicted from files: {@link io.memproxy.shimmodel.ShimModel} ports shim/src/config.c
 * (mp_decide) over the symbol tables of the objects a process maps, and {@link io.memproxy.shimmodel.DebugLine}
 * reads what the shim itself said under MEMPROXY_DEBUG=1. The doctor, ps and trial share it.
 */
package io.memproxy.shimmodel;
