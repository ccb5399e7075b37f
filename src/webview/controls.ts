// The panel's controls: model picker, system prompt and parameters, the composer, toolbar buttons.
import type { ChatParams, ChatSettings } from '../core/chat/conversation';
import type { ModelOption } from '../chat/protocol';
import { h, iconButton } from './dom';

export interface ControlEvents {
  settingsChanged(settings: ChatSettings): void;
  draftChanged(draft: string, imageUrl: string): void;
  send(): void;
  /** Send Async: the host asks the completion window. */
  sendAsync(): void;
  stop(): void;
  clear(): void;
  history(): void;
  save(): void;
  refreshModels(): void;
}

/** Stop sequences are typed one per line; `\n`, `\t` and `\\` stand for a newline, a tab and a backslash. */
export function parseStop(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/\\(n|t|\\)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\')));
}

export function formatStop(stop: readonly string[] | undefined): string {
  return (stop ?? []).map((s) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t')).join('\n');
}

function numberField(label: string, name: keyof ChatParams, attrs: Record<string, string>): HTMLLabelElement {
  return h('label', { class: 'param' }, h('span', {}, label), h('input', { type: 'number', name, placeholder: 'default', ...attrs }));
}

export class Controls {
  readonly element: HTMLElement;
  readonly composer: HTMLElement;
  private readonly model: HTMLSelectElement;
  private readonly system: HTMLTextAreaElement;
  private readonly stop: HTMLTextAreaElement;
  private readonly modelNote: HTMLElement;
  private readonly problems: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly imageUrl: HTMLInputElement;
  private readonly imageRow: HTMLElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly sendAsyncButton: HTMLButtonElement;
  private readonly awaitingNote: HTMLElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly historyButton: HTMLButtonElement;
  private models: readonly ModelOption[] = [];
  private modelsError: string | undefined;
  private settings: ChatSettings = { model: '', system: '', params: {} };

  constructor(private readonly events: ControlEvents) {
    this.model = h('select', { id: 'model', 'aria-label': 'Model' });
    this.modelNote = h('span', { class: 'note', id: 'model-note' });
    this.system = h('textarea', { id: 'system', rows: '3', placeholder: 'You are a helpful assistant.' });
    this.stop = h('textarea', { id: 'stop', rows: '2', placeholder: 'One per line, up to 4 (\\n for a newline)' });
    this.problems = h('div', { class: 'problems', role: 'alert' });
    // Off until the extension reports an earlier conversation.
    this.historyButton = iconButton('history', 'Conversation History', { id: 'history', disabled: '' });
    const params = h(
      'div',
      { class: 'params' },
      numberField('temperature', 'temperature', { min: '0', max: '2', step: '0.1' }),
      numberField('top_p', 'top_p', { min: '0', max: '1', step: '0.05' }),
      numberField('max_completion_tokens', 'max_completion_tokens', { min: '1', step: '1' }),
      h('label', { class: 'param stop' }, h('span', {}, 'stop'), this.stop),
    );
    const settings = h(
      'details',
      { class: 'settings' },
      h('summary', {}, 'System prompt and parameters'),
      h('label', { class: 'system' }, h('span', {}, 'System prompt'), this.system),
      params,
    );
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      h('label', { class: 'model' }, h('span', {}, 'Model'), this.model),
      iconButton('refresh', 'Reload the Model List', { id: 'refresh-models' }),
      this.modelNote,
      h('span', { class: 'spacer' }),
      this.historyButton,
      iconButton('save', 'Save as Batch Request', { id: 'save' }),
      iconButton('clear-all', 'Clear', { id: 'clear' }),
    );
    this.element = h('header', { class: 'controls' }, toolbar, settings, this.problems);

    this.input = h('textarea', {
      id: 'prompt',
      rows: '3',
      placeholder: 'Message (Enter to send, Shift+Enter for a new line)',
      'aria-label': 'Message',
    });
    this.imageUrl = h('input', { type: 'url', id: 'image-url', placeholder: 'https://… image URL for vision models' });
    this.imageRow = h(
      'div',
      { class: 'image-row', hidden: '' },
      this.imageUrl,
      iconButton('close', 'Remove Image', { id: 'remove-image' }),
    );
    this.sendButton = h('button', { type: 'button', class: 'primary', id: 'send' }, 'Send');
    this.sendAsyncButton = h(
      'button',
      {
        type: 'button',
        class: 'action',
        id: 'send-async',
        title: 'Send as an async request: answered as a batch of one request within the completion window you pick',
        'aria-label': 'Send Async: answered as a batch within a completion window you pick',
      },
      h('span', { class: 'codicon codicon-clock', 'aria-hidden': 'true' }),
      'Send Async…',
    );
    this.awaitingNote = h('span', { class: 'note awaiting', id: 'awaiting-note', hidden: '' });
    this.stopButton = h('button', { type: 'button', class: 'primary', id: 'stop-button', hidden: '' }, 'Stop');
    this.composer = h(
      'footer',
      { class: 'composer' },
      this.imageRow,
      this.input,
      h(
        'div',
        { class: 'composer-actions' },
        iconButton('file-media', 'Attach Image URL', { id: 'attach-image' }),
        this.awaitingNote,
        h('span', { class: 'spacer' }),
        this.stopButton,
        this.sendAsyncButton,
        this.sendButton,
      ),
    );
    this.wire(toolbar, params);
  }

  private wire(toolbar: HTMLElement, params: HTMLElement): void {
    this.model.addEventListener('change', () => this.changed({ model: this.model.value }));
    this.system.addEventListener('input', () => this.changed({ system: this.system.value }));
    params.addEventListener('input', () => this.changed({ params: this.readParams() }));
    toolbar.querySelector('#save')!.addEventListener('click', () => this.events.save());
    toolbar.querySelector('#clear')!.addEventListener('click', () => this.events.clear());
    this.historyButton.addEventListener('click', () => this.events.history());
    toolbar.querySelector('#refresh-models')!.addEventListener('click', () => this.events.refreshModels());
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        this.events.send();
      }
    });
    const draftChanged = () => this.events.draftChanged(this.input.value, this.imageUrl.value.trim());
    this.input.addEventListener('input', draftChanged);
    this.imageUrl.addEventListener('input', () => {
      draftChanged();
      this.updateModelNote();
    });
    this.sendButton.addEventListener('click', () => this.events.send());
    this.sendAsyncButton.addEventListener('click', () => this.events.sendAsync());
    this.stopButton.addEventListener('click', () => this.events.stop());
    this.composer.querySelector('#attach-image')!.addEventListener('click', () => {
      this.imageRow.hidden = false;
      this.imageUrl.focus();
    });
    this.composer.querySelector('#remove-image')!.addEventListener('click', () => {
      this.imageUrl.value = '';
      this.imageRow.hidden = true;
      draftChanged();
      this.updateModelNote();
    });
  }

  private changed(change: Partial<ChatSettings>): void {
    this.settings = { ...this.settings, ...change };
    this.updateModelNote();
    this.events.settingsChanged(this.settings);
  }

  private readParams(): ChatParams {
    const params: ChatParams = {};
    for (const name of ['temperature', 'top_p', 'max_completion_tokens'] as const) {
      const input = this.element.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
      if (input.value.trim() !== '') params[name] = Number(input.value);
    }
    const stop = parseStop(this.stop.value);
    if (stop.length) params.stop = stop;
    return params;
  }

  setModels(models: readonly ModelOption[], note?: string): void {
    this.models = models;
    const ids = new Set(models.map((m) => m.id));
    const options = models.map((m) => h('option', { value: m.id }, m.id));
    // A model from a loaded request or an older list stays selectable.
    if (this.settings.model && !ids.has(this.settings.model))
      options.unshift(h('option', { value: this.settings.model }, `${this.settings.model} (not listed)`));
    this.model.replaceChildren(...options);
    this.model.value = this.settings.model;
    this.modelsError = note;
    this.updateModelNote();
  }

  setSettings(settings: ChatSettings): void {
    this.settings = settings;
    this.setModels(this.models, this.modelsError);
    this.system.value = settings.system;
    for (const name of ['temperature', 'top_p', 'max_completion_tokens'] as const) {
      const value = settings.params[name];
      this.element.querySelector<HTMLInputElement>(`input[name="${name}"]`)!.value = value === undefined ? '' : String(value);
    }
    this.stop.value = formatStop(settings.params.stop);
  }

  setDraft(text: string, imageUrl: string): void {
    this.input.value = text;
    this.imageUrl.value = imageUrl;
    this.imageRow.hidden = !imageUrl;
    this.updateModelNote();
  }

  setBusy(busy: boolean): void {
    this.sendButton.hidden = busy;
    this.sendAsyncButton.hidden = busy;
    this.stopButton.hidden = !busy;
  }

  /** How many earlier conversations there are to switch to; none turns the History button off. */
  setHistoryCount(count: number): void {
    this.historyButton.disabled = count === 0;
    const label = count === 0 ? 'Conversation History (none yet)' : `Conversation History (${count})`;
    this.historyButton.title = label;
    this.historyButton.setAttribute('aria-label', label);
  }

  /** While an async reply is awaited nothing can be sent (the next message would not follow it); `note` says why. */
  setAwaiting(note: string | undefined): void {
    this.sendButton.disabled = note !== undefined;
    this.sendAsyncButton.disabled = note !== undefined;
    this.awaitingNote.textContent = note ?? '';
    this.awaitingNote.hidden = note === undefined;
  }

  showProblems(problems: readonly string[]): void {
    this.problems.replaceChildren(...problems.map((p) => h('div', {}, p)));
  }

  focusInput(): void {
    this.input.focus();
  }

  private updateModelNote(): void {
    const model = this.models.find((m) => m.id === this.settings.model);
    const notes: string[] = [];
    if (this.modelsError) notes.push(this.modelsError);
    if (this.imageUrl.value.trim() && model?.vision === false) notes.push(`${model.id} does not take images.`);
    this.modelNote.textContent = notes.join(' ');
  }
}
