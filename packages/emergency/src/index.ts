export { createEmergencyStore, limitsFromConfig, limitsView, type EmergencyStore, type Permit, type StoredLimits } from './emergency-store';
export { emergencyKeys, type EmergencyKeys } from './keys';
