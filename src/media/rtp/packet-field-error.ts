/**
 * The error the media serializers throw when a caller asks for a packet field that cannot be encoded (a
 * programming error, never a network condition: parsers return undefined instead of throwing).
 * TODO(lead): the registry has no media-packet code yet; CONFIG_INVALID stands in until e.g.
 * MEDIA_PACKET_FIELD ('Media packet field cannot be encoded') is added to src/shared/errors.ts.
 */
import { SwitchboardError } from '../../shared/errors.js';

export function packetFieldError(message: string): SwitchboardError {
  return new SwitchboardError('MEDIA_PACKET_FIELD', message);
}
