/**
 * The Streambus API: publish and consume messages on Redis Streams ({@link io.streambus.StreamBus}), and the options
 * that configure it. The read model and the operator's actions are in {@link io.streambus.admin}.
 */
// vertx-codegen generates the options' JSON converters only for types under a @ModuleGen package
@ModuleGen(name = "streambus", groupPackage = "io.streambus")
package io.streambus;

import io.vertx.codegen.annotations.ModuleGen;
