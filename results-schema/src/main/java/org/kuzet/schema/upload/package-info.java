/**
 * The records of the upload protocol between a probe and a collector: a batch of signed measurements going up,
 * one result per measurement coming back. See docs/COLLECTOR.md; the signature format is docs/SIGNATURES.md.
 */
package org.kuzet.schema.upload;
