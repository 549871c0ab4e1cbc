// The OTLP message types, loaded once from trace.proto with protobufjs: the sink's answers are encoded with them;
// requests are read by decode-protobuf.ts's own wire reader, and the request type serves the tests, which
// encode bodies with it and compare the reader with protobufjs's decoding.
import path from 'node:path';
import protobuf from 'protobufjs';

const root = protobuf.loadSync(path.join(__dirname, 'trace.proto'));

export const ExportTraceServiceRequest = root.lookupType('spendtrace.otlp.ExportTraceServiceRequest');
export const ExportTraceServiceResponse = root.lookupType('spendtrace.otlp.ExportTraceServiceResponse');
export const RpcStatus = root.lookupType('spendtrace.otlp.RpcStatus');
