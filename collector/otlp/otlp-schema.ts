// The OTLP message types, loaded once from trace.proto with protobufjs.
import path from 'node:path';
import protobuf from 'protobufjs';

const root = protobuf.loadSync(path.join(__dirname, 'trace.proto'));

export const ExportTraceServiceRequest = root.lookupType('spendtrace.otlp.ExportTraceServiceRequest');
export const ExportTraceServiceResponse = root.lookupType('spendtrace.otlp.ExportTraceServiceResponse');
export const RpcStatus = root.lookupType('spendtrace.otlp.RpcStatus');
