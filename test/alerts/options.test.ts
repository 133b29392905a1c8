import {
  ALERT_KINDS, ALERT_OPTION_KEYS, DEFAULT_ALERT_OPTIONS, DEFAULT_SEVERITY, validateAlertOptions,
  type AlertOptions,
} from '../../src/alerts/options';

describe('validateAlertOptions', () => {
  describe('defaults', () => {
    // Every documented default, as a literal: the README's alerts section gives each its reason.
    const DOCUMENTED = {
      frozenTolerance: 1e-7,
      frozenPatience: 3,
      deadThreshold: 1,
      driftThreshold: 2,
      driftSpikeFactor: 5,
      driftSpikeSpread: 20,
      driftFloor: 0.01,
      driftSpikeMinHistory: 5,
      driftSpikeWindow: 100,
      explodeThreshold: 1000,
      growthThreshold: 5,
      vanishThreshold: 0.1,
      driftWarmup: 1,
      gradientVanishRatio: 1e-6,
      gradientVanishFloor: 1e-8,
      gradientExplodeFactor: 5,
      gradientExplodeSpread: 20,
      gradientExplodeMinHistory: 2,
      deadUnitsThreshold: 0.75,
      gradientPatience: 2,
      reminderEvery: 10,
    };

    it('has the documented numeric defaults', () => {
      expect(DEFAULT_ALERT_OPTIONS).toEqual(DOCUMENTED);
    });

    it('fills in every option', () => {
      expect(validateAlertOptions()).toEqual({
        ...DOCUMENTED,
        expectedParams: null,
        include: null,
        exclude: [],
        disable: [],
        severity: DEFAULT_SEVERITY,
      });
    });

    it('treats null and {} like no options', () => {
      expect(validateAlertOptions(null)).toEqual(validateAlertOptions());
      expect(validateAlertOptions({})).toEqual(validateAlertOptions());
    });

    it('gives each kind the severity of the spec', () => {
      expect(DEFAULT_SEVERITY['non-finite']).toBe('error');
      expect(DEFAULT_SEVERITY['param-count']).toBe('error');
      expect(DEFAULT_SEVERITY['frozen-by-design']).toBe('info');
      expect(DEFAULT_SEVERITY['gradient-non-finite']).toBe('error');
      for (const kind of ['frozen', 'changed-while-frozen', 'dead', 'drift', 'exploding', 'vanishing', 'gradient-vanishing', 'gradient-exploding', 'dead-units'] as const) {
        expect(DEFAULT_SEVERITY[kind]).toBe('warn');
      }
    });

    it('lists every option key it reads', () => {
      const resolved = Object.keys(validateAlertOptions()).sort();
      expect([...ALERT_OPTION_KEYS].sort()).toEqual(resolved);
    });
  });

  describe('accepts valid values, 0 included where allowed', () => {
    it.each<[keyof AlertOptions, unknown]>([
      ['frozenTolerance', 0],
      ['reminderEvery', 0],
      ['driftWarmup', 0],
      ['expectedParams', 0],
      ['deadThreshold', 1],
      ['deadThreshold', 0.5],
      ['driftSpikeFactor', 1.5],
      ['driftSpikeSpread', 0],
      ['driftFloor', 0],
      ['growthThreshold', 1.01],
      ['vanishThreshold', 0.5],
      ['driftSpikeMinHistory', 1],
      ['frozenPatience', 1],
    ])('%s = %p', (name, value) => {
      expect(validateAlertOptions({ [name]: value } as AlertOptions)[name]).toBe(value);
    });

    it('keeps expectedParams when given and null when absent', () => {
      expect(validateAlertOptions({ expectedParams: 101770 }).expectedParams).toBe(101770);
      expect(validateAlertOptions({ expectedParams: null }).expectedParams).toBeNull();
    });

    it('merges a severity override into the defaults', () => {
      const { severity } = validateAlertOptions({ severity: { drift: 'info', frozen: 'error' } });
      expect(severity).toEqual({ ...DEFAULT_SEVERITY, drift: 'info', frozen: 'error' });
    });

    it('copies disable and accepts every kind', () => {
      expect(validateAlertOptions({ disable: [...ALERT_KINDS] }).disable).toEqual(ALERT_KINDS);
    });
  });

  describe('rejects numbers out of range with a RangeError naming the option and the value', () => {
    it.each<[string, unknown, RegExp]>([
      ['driftThreshold', -1, /^The `driftThreshold` option must be a finite number > 0, but got -1\.$/],
      ['driftThreshold', 0, /`driftThreshold`.*> 0, but got 0\./],
      ['driftThreshold', NaN, /`driftThreshold`.*but got NaN\./],
      ['driftThreshold', Infinity, /`driftThreshold`.*finite.*but got Infinity\./],
      ['frozenTolerance', -1e-9, /`frozenTolerance`.*>= 0, but got -1e-9\./],
      ['frozenPatience', 0, /`frozenPatience` option must be an integer >= 1, but got 0\./],
      ['frozenPatience', 2.5, /`frozenPatience`.*integer.*but got 2\.5\./],
      ['deadThreshold', 0, /`deadThreshold`.*> 0 and <= 1, but got 0\./],
      ['deadThreshold', 1.01, /`deadThreshold`.*but got 1\.01\./],
      ['driftSpikeFactor', 1, /`driftSpikeFactor`.*> 1, but got 1\./],
      ['driftSpikeSpread', -0.5, /^The `driftSpikeSpread` option must be a finite number >= 0, but got -0\.5\.$/],
      ['driftFloor', Infinity, /^The `driftFloor` option must be a finite number >= 0, but got Infinity\.$/],
      ['driftSpikeMinHistory', 0, /`driftSpikeMinHistory`.*>= 1, but got 0\./],
      ['explodeThreshold', 0, /`explodeThreshold`.*> 0, but got 0\./],
      ['growthThreshold', 1, /`growthThreshold`.*> 1, but got 1\./],
      ['vanishThreshold', 1, /`vanishThreshold`.*> 0 and < 1, but got 1\./],
      ['vanishThreshold', 0, /`vanishThreshold`.*but got 0\./],
      ['driftWarmup', -1, /`driftWarmup`.*integer >= 0, but got -1\./],
      ['expectedParams', -5, /`expectedParams`.*integer >= 0, but got -5\./],
      ['expectedParams', 10.5, /`expectedParams`.*but got 10\.5\./],
      ['reminderEvery', -1, /`reminderEvery`.*>= 0 \(0: no reminders\), but got -1\./],
      ['gradientVanishRatio', 1, /^The `gradientVanishRatio` option must be a finite number > 0 and < 1, but got 1\.$/],
      ['gradientVanishFloor', -1, /`gradientVanishFloor`.*>= 0, but got -1\./],
      ['gradientExplodeFactor', 1, /`gradientExplodeFactor`.*> 1, but got 1\./],
      ['gradientExplodeSpread', -1, /`gradientExplodeSpread`.*>= 0, but got -1\./],
      ['gradientExplodeMinHistory', 0, /`gradientExplodeMinHistory`.*integer >= 1, but got 0\./],
      ['deadUnitsThreshold', 0, /`deadUnitsThreshold`.*> 0 and <= 1, but got 0\./],
      ['gradientPatience', 0, /`gradientPatience`.*integer >= 1, but got 0\./],
    ])('%s = %p', (name, value, message) => {
      const call = () => validateAlertOptions({ [name]: value } as AlertOptions);
      expect(call).toThrow(RangeError);
      expect(call).toThrow(message);
    });

    it('checks driftSpikeWindow against driftSpikeMinHistory', () => {
      expect(() => validateAlertOptions({ driftSpikeMinHistory: 5, driftSpikeWindow: 4 }))
        .toThrow(/`driftSpikeWindow` option must be an integer >= `driftSpikeMinHistory` \(5\), but got 4\./);
      expect(validateAlertOptions({ driftSpikeMinHistory: 5, driftSpikeWindow: 5 }).driftSpikeWindow).toBe(5);
    });
  });

  describe('rejects values of the wrong type with a TypeError', () => {
    it.each<[string, unknown, RegExp]>([
      ['driftThreshold', '1', /`driftThreshold`.*finite number > 0, but got "1"\./],
      ['frozenPatience', null, /`frozenPatience`.*integer >= 1, but got null\./],
      ['expectedParams', '100', /`expectedParams`.*but got "100"\./],
      ['include', 'dense/kernel', /`include` option must be an array of weight names \(strings\) or RegExps, but got "dense\/kernel"\./],
      ['include', [/a/, 3], /`include`.*but got 3 at index 1\./],
      ['exclude', /bias/, /`exclude` option must be an array.*but got \/bias\/\./],
      ['disable', 'drift', /`disable` option must be an array of alert kinds.*but got "drift"\./],
      ['disable', [3], /`disable`.*but got 3 at index 0\./],
      ['severity', 'warn', /`severity` option must be an object.*but got "warn"\./],
    ])('%s = %p', (name, value, message) => {
      const call = () => validateAlertOptions({ [name]: value } as unknown as AlertOptions);
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
    });

    it('rejects options that are not an object', () => {
      expect(() => validateAlertOptions(5 as unknown as AlertOptions))
        .toThrow(/^The alert options must be an object, but got 5\.$/);
      expect(() => validateAlertOptions([] as unknown as AlertOptions)).toThrow(TypeError);
    });
  });

  describe('kinds, severities and patterns', () => {
    it('rejects an unknown kind in disable with a RangeError listing the kinds', () => {
      const call = () => validateAlertOptions({ disable: ['drift', 'frozn' as never] });
      expect(call).toThrow(RangeError);
      expect(call).toThrow(/`disable`.*\(non-finite, frozen, .*\), but got "frozn" at index 1\./);
    });

    it('rejects an unknown kind or severity in severity', () => {
      expect(() => validateAlertOptions({ severity: { drfit: 'warn' } as never }))
        .toThrow(/`severity` option must only have alert kinds.*but got "drfit"\./);
      expect(() => validateAlertOptions({ severity: { drift: 'fatal' as never } }))
        .toThrow(/`severity` option must map `drift` to 'info', 'warn' or 'error', but got "fatal"\./);
    });

    it('rejects an empty include list, which would watch nothing', () => {
      const call = () => validateAlertOptions({ include: [] });
      expect(call).toThrow(RangeError);
      expect(call).toThrow(/`include`.*at least one item \(omit it to watch every weight\), but got \[\]\./);
    });

    it('accepts an empty exclude list', () => {
      expect(validateAlertOptions({ exclude: [] }).exclude).toEqual([]);
    });

    it('drops global and sticky flags so matching does not depend on lastIndex', () => {
      const { include } = validateAlertOptions({ include: [/kernel/gi, 'a/bias'] });
      expect(include).toEqual([/kernel/i, 'a/bias']);
    });

    it('keeps a RegExp without those flags as given', () => {
      const pattern = /kernel$/;
      expect(validateAlertOptions({ exclude: [pattern] }).exclude[0]).toBe(pattern);
    });
  });
});
