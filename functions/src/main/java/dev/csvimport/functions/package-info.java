/** The Cloud Functions entry points: thin doors that decode an event, call the shared code, and answer. */
package dev.csvimport.functions;
