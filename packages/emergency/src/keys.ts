export interface EmergencyKeys {
  state: string;
  history: string;
  limits: string;
  risk: string;
  intents: string;
}

export const emergencyKeys = (prefix: string): EmergencyKeys => ({
  state: `${prefix}:state`,
  history: `${prefix}:history`,
  limits: `${prefix}:limits`,
  risk: `${prefix}:risk`,
  intents: `${prefix}:intents`,
});
