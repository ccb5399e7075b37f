// Entry point of the chat webview bundle (dist/webview.js): wires the controls, the transcript and the
// messages to and from the extension (src/chat/protocol.ts).
import { checkParams, deleteTurn, editTurn, isHttpUrl, retryTurn } from '../core/chat/conversation';
import { awaitingAsync } from '../core/chat/asyncReply';
import type { CompletionWindow } from '../core/api/windows';
import {
  conversationOf,
  isHostMessage,
  type ChatErrorInfo,
  type ChatState,
  type ChatTurn,
  type HostMessage,
  type LiveStream,
  type ModelOption,
  type TokenUsage,
} from '../chat/protocol';
import { Controls } from './controls';
import { h } from './dom';
import { TranscriptView } from './render';
import { restoredState, StateSaver } from './state';
import { wireTranscriptActions } from './transcriptActions';
import { vscodeApi, type VsCodeApi } from './vscodeApi';

/** A streaming reply is rendered at most this often, however fast chunks arrive. */
const RENDER_INTERVAL_MS = 50;
/** While streaming, the saved state (for hiding and reloads) is refreshed this often. */
const STREAM_SAVE_MS = 1000;

let idCounter = 0;
function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${(idCounter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Every conversation has an id, so the history keeps one copy of it (states saved before ids had none). */
function withConversationId(state: ChatState): ChatState {
  return state.conversationId ? state : { ...state, conversationId: newId('c') };
}

class ChatApp {
  private state: ChatState;
  private readonly saver: StateSaver;
  private readonly controls: Controls;
  private readonly view: TranscriptView;
  private readonly transcript: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly announcer: HTMLElement;
  /** A saved scroll position not reached yet (the transcript had no size yet). */
  private pendingScroll: NonNullable<ChatState['scroll']> | 'end' | undefined;
  private restoreFrames = 0;
  private streaming: { id: string; pending: string[]; timer?: ReturnType<typeof setTimeout>; lastRender: number } | undefined;

  constructor(
    private readonly api: VsCodeApi,
    root: HTMLElement,
  ) {
    this.state = withConversationId(restoredState(api));
    this.saver = new StateSaver(api, () => this.snapshot());
    this.controls = new Controls({
      settingsChanged: (settings) => {
        this.state.settings = settings;
        this.saver.changed();
      },
      draftChanged: (draft, imageUrl) => {
        this.state.draft = draft;
        this.state.draftImageUrl = imageUrl;
        this.saver.changed(500, true);
      },
      send: () => this.send(),
      sendAsync: () => this.send(true),
      stop: () => this.stop(),
      clear: () => this.clear(),
      history: () => api.postMessage({ type: 'showHistory' }),
      save: () => {
        this.saver.changed(0);
        // The state goes first, so the extension saves what is on screen.
        setTimeout(() => api.postMessage({ type: 'saveAsRequest' }), 0);
      },
      refreshModels: () => api.postMessage({ type: 'refreshModels' }),
    });
    this.transcript = h('main', { class: 'transcript', id: 'transcript' });
    this.notice = h('div', { class: 'notice', role: 'status', hidden: '' });
    // Async turns change while nobody looks at them: queued, answered, failed are announced here.
    this.announcer = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', id: 'async-status' });
    this.view = new TranscriptView(this.transcript);
    root.replaceChildren(this.controls.element, this.notice, this.transcript, this.controls.composer, this.announcer);
    wireTranscriptActions(this.transcript, {
      post: (message) => api.postMessage(message),
      turnText: (id) => this.turn(id)?.text,
      regenerate: (id) => this.regenerate(id),
      edit: (id) => this.edit(id),
      remove: (id) => this.remove(id),
    });
    this.controls.setSettings(this.state.settings);
    this.controls.setDraft(this.state.draft, this.state.draftImageUrl);
    this.view.reset(this.state.turns, this.state.turns.at(-1)?.id);
    this.updateAwaiting();
    this.restoreScroll();
    this.transcript.addEventListener('scroll', () => this.rememberScroll(), { passive: true });
    new ResizeObserver(() => this.applyScroll()).observe(this.transcript);
    for (const type of ['wheel', 'pointerdown', 'keydown'] as const)
      this.transcript.addEventListener(type, () => this.pendingScroll !== undefined && this.endRestore(), { passive: true });
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.onHostMessage(event.data));
    api.postMessage({ type: 'ready', state: this.state });
    this.controls.focusInput();
  }

  private snapshot(): ChatState {
    if (this.streaming) {
      const turn = this.turn(this.streaming.id);
      const text = this.view.streamText(this.streaming.id);
      if (turn && text !== undefined) turn.text = text + this.streaming.pending.join('');
    }
    return this.state;
  }

  private turn(id: string): ChatTurn | undefined {
    return this.state.turns.find((t) => t.id === id);
  }

  private onHostMessage(data: unknown): void {
    if (!isHostMessage(data)) {
      console.warn(
        'kluster chat: ignored a malformed message from the extension',
        typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : typeof data,
      );
      return;
    }
    const message: HostMessage = data;
    switch (message.type) {
      case 'init':
        return this.init(message.models, message.modelsError, message.lastModel, message.live);
      case 'models':
        return this.controls.setModels(message.models, message.modelsError);
      case 'load':
        return this.load(message.state, message.notice, message.undoable === true, message.archive === true);
      case 'history':
        return this.controls.setHistoryCount(message.count);
      case 'chunk':
        return this.chunk(message.id, message.delta);
      case 'done':
        return this.end(message.id, {
          status: message.stopped ? 'stopped' : 'done',
          usage: message.usage,
          finishReason: message.finishReason,
        });
      case 'error':
        if (this.turn(message.id)?.async) this.announcer.textContent = `The async request failed: ${message.error.message}`;
        return this.end(message.id, { status: 'error', error: message.error });
      case 'prompt':
        this.state.draft = message.text;
        this.controls.setDraft(message.text, this.state.draftImageUrl);
        if (message.send) this.send(message.sendAsync ?? false);
        else this.saver.changed();
        return;
      case 'queued':
        return this.queued(message.id, message.batchId, message.window);
      case 'asyncDismissed':
        return this.asyncDismissed(message.id);
      case 'asyncReply': {
        const turn = this.turn(message.id);
        if (turn?.status !== 'queued') return;
        turn.text = message.text;
        this.announcer.textContent = 'The async reply arrived.';
        return this.end(message.id, { status: 'done', usage: message.usage, finishReason: message.finishReason });
      }
      case 'action':
        return message.action === 'regenerate' ? this.regenerate() : this.clear();
    }
  }

  private init(
    models: readonly ModelOption[],
    modelsError: string | undefined,
    lastModel: string | undefined,
    live: readonly LiveStream[],
  ): void {
    if (!this.state.settings.model) {
      this.state.settings = { ...this.state.settings, model: lastModel ?? models[0]?.id ?? '' };
      this.controls.setSettings(this.state.settings);
    }
    this.controls.setModels(models, modelsError);
    const last = this.state.turns.at(-1)?.id;
    for (const turn of this.state.turns) {
      if (turn.status !== 'streaming') continue;
      const running = live.find((s) => s.id === turn.id);
      if (running && turn.id === last) {
        turn.text = running.text;
        this.view.refresh(turn, true);
        this.view.beginStream(turn);
        this.streaming = { id: turn.id, pending: [], lastRender: 0 };
        this.setBusy(true);
      } else {
        // The window was reloaded mid-stream: the extension host that ran it is gone.
        turn.status = 'interrupted';
        this.view.refresh(turn, turn.id === last);
      }
    }
    this.saver.changed();
  }

  /**
   * A conversation from the extension: a restored copy, or another one (Open in Chat, the history) that
   * either puts this one into the history (`archive`) or offers it back with Undo (`undoable`).
   */
  private load(state: ChatState, notice: string | undefined, undoable: boolean, archive: boolean): void {
    const previous = this.replaceState(state);
    if (archive) this.api.postMessage({ type: 'archive', state: previous });
    this.showNotice(notice ?? '', undoable ? previous : undefined);
  }

  /** Shows `state` in place of the current one, which it returns (stopped first if it was streaming). */
  private replaceState(state: ChatState): ChatState {
    const previous = this.snapshot();
    if (this.streaming) {
      this.api.postMessage({ type: 'cancel', id: this.streaming.id });
      const turn = this.turn(this.streaming.id);
      if (turn) turn.status = 'stopped'; // its 'done' goes to the new state, which does not have it
    }
    this.endStreaming();
    this.state = withConversationId(state);
    this.controls.setSettings(state.settings);
    this.controls.setDraft(state.draft, state.draftImageUrl);
    this.controls.showProblems([]);
    this.view.reset(state.turns, state.turns.at(-1)?.id);
    this.updateAwaiting();
    this.restoreScroll();
    this.saver.changed(0);
    this.controls.focusInput();
    return previous;
  }

  /**
   * Back to the saved scroll position (the end when there is none, or it was at the end). Every turn is laid
   * out for the jump (under content-visibility the heights of turns not yet shown are estimates), and after a
   * reload the panel may get its size only later: the jump is made again on resize until it lands.
   */
  private restoreScroll(): void {
    const scroll = this.state.scroll;
    this.pendingScroll = !scroll || scroll.atEnd ? 'end' : scroll;
    this.restoreFrames = 0;
    this.transcript.classList.add('restoring');
    this.applyScroll();
  }

  /** Top of a turn in the transcript's scroll coordinates. */
  private turnTop(id: string): number | undefined {
    const element = this.transcript.querySelector<HTMLElement>(`[data-turn="${CSS.escape(id)}"]`);
    return element
      ? element.getBoundingClientRect().top - this.transcript.getBoundingClientRect().top + this.transcript.scrollTop
      : undefined;
  }

  /**
   * Jumps to the pending position: by its turn and the offset in it when known (the heights of turns above
   * may be estimates once `restoring` is off), else by pixels. Applied again for a few frames, since the
   * turns become content-visibility: auto after the first and the panel may get its size late.
   */
  private applyScroll(): void {
    const t = this.transcript;
    const target = this.pendingScroll;
    if (target === undefined || t.clientHeight === 0) return;
    const anchored = target !== 'end' && target.turn !== undefined ? this.turnTop(target.turn) : undefined;
    t.scrollTop = target === 'end' ? t.scrollHeight : anchored !== undefined ? anchored + (target.offset ?? 0) : target.top;
    if (this.restoreFrames++ === 0) requestAnimationFrame(() => this.transcript.classList.remove('restoring'));
    if (this.restoreFrames < 6) requestAnimationFrame(() => this.applyScroll());
    else this.pendingScroll = undefined;
  }

  /** The person scrolled themselves: positions are theirs again. */
  private endRestore(): void {
    this.pendingScroll = undefined;
    this.transcript.classList.remove('restoring');
  }

  private rememberScroll(): void {
    if (this.pendingScroll !== undefined) return; // a jump on the way, not the person's position
    const t = this.transcript;
    const anchor = this.state.turns.find((turn) => {
      const top = this.turnTop(turn.id);
      const element = this.transcript.querySelector<HTMLElement>(`[data-turn="${CSS.escape(turn.id)}"]`);
      return top !== undefined && element !== null && top + element.offsetHeight > t.scrollTop;
    });
    const top = Math.round(t.scrollTop);
    const offset = anchor ? Math.round(top - this.turnTop(anchor.id)!) : undefined;
    this.state.scroll = anchor ? { top, atEnd: this.isAtBottom(), turn: anchor.id, offset } : { top, atEnd: this.isAtBottom() };
    this.saver.saveSoon(300);
  }

  private chunk(id: string, delta: string): void {
    const streaming = this.streaming;
    if (streaming?.id !== id) return;
    streaming.pending.push(delta);
    if (streaming.timer !== undefined) return;
    const wait = Math.max(0, streaming.lastRender + RENDER_INTERVAL_MS - performance.now());
    streaming.timer = setTimeout(() => this.render(), wait);
  }

  /** Renders the pending chunks of the streaming reply: one DOM update per frame, not per chunk. */
  private render(): void {
    const streaming = this.streaming;
    if (!streaming) return;
    clearTimeout(streaming.timer);
    streaming.timer = undefined;
    if (!streaming.pending.length) return;
    const start = performance.now();
    const delta = streaming.pending.join('');
    const chunks = streaming.pending.length;
    streaming.pending = [];
    const stick = this.isAtBottom();
    this.view.appendStream(streaming.id, delta);
    if (stick) this.transcript.scrollTop = this.transcript.scrollHeight;
    streaming.lastRender = performance.now();
    performance.measure('kluster.chat.render', { start, end: streaming.lastRender, detail: { chunks } });
    this.saver.saveSoon(STREAM_SAVE_MS);
  }

  private end(id: string, outcome: { status: ChatTurn['status']; usage?: TokenUsage; finishReason?: string; error?: ChatErrorInfo }): void {
    const turn = this.turn(id);
    if (!turn) return;
    if (this.streaming?.id === id) {
      this.render();
      turn.text = this.view.streamText(id) ?? turn.text;
      this.endStreaming();
    }
    turn.status = outcome.status;
    if (outcome.usage) turn.usage = outcome.usage;
    if (outcome.finishReason) turn.finishReason = outcome.finishReason;
    if (outcome.error) turn.error = outcome.error;
    const stick = this.isAtBottom();
    this.view.refresh(turn, turn.id === this.state.turns.at(-1)?.id);
    if (stick) this.transcript.scrollTop = this.transcript.scrollHeight;
    this.updateAwaiting();
    this.saver.changed(0);
  }

  private endStreaming(): void {
    if (this.streaming) clearTimeout(this.streaming.timer);
    this.streaming = undefined;
    this.setBusy(false);
  }

  /** While a reply streams, turns cannot be edited or deleted (the reply is to the turns as they are). */
  private setBusy(busy: boolean): void {
    this.controls.setBusy(busy);
    this.transcript.classList.toggle('busy', busy);
  }

  /** Send, or with `async` Send Async (a window, or true: the host asks which). */
  private send(async: CompletionWindow | boolean = false): void {
    if (this.streaming || awaitingAsync(this.state.turns)) return;
    const text = this.state.draft;
    const imageUrl = this.state.draftImageUrl.trim();
    if (!text.trim() && !imageUrl) return;
    const problems = checkParams(this.state.settings.params);
    if (!this.state.settings.model) problems.unshift('Pick a model first.');
    if (imageUrl && !isHttpUrl(imageUrl)) problems.push('The image URL must start with https:// or http://.');
    this.controls.showProblems(problems);
    if (problems.length) return;
    if (this.notice.querySelector('#undo')) this.showNotice('');
    this.append(imageUrl ? { id: newId('u'), role: 'user', text, imageUrl } : { id: newId('u'), role: 'user', text });
    this.state.draft = '';
    this.state.draftImageUrl = '';
    this.controls.setDraft('', '');
    if (async === false) this.startReply();
    else this.startAsyncReply(async === true ? undefined : async);
  }

  /** A reply asked for as an async request: a queued turn until its batch ends (the host asks the window if not given). */
  private startAsyncReply(window: CompletionWindow | undefined): void {
    const conversation = conversationOf(this.state);
    const turn: ChatTurn = { id: newId('a'), role: 'assistant', text: '', status: 'queued', async: window ? { window } : {} };
    this.append(turn);
    this.updateAwaiting();
    this.transcript.scrollTop = this.transcript.scrollHeight;
    this.api.postMessage(
      window ? { type: 'sendAsync', id: turn.id, conversation, window } : { type: 'sendAsync', id: turn.id, conversation },
    );
    this.saver.changed(0);
  }

  private queued(id: string, batchId: string, window: CompletionWindow): void {
    const turn = this.turn(id);
    if (turn?.status !== 'queued') {
      // Deleted (or replaced) while it was being sent: the batch runs on, its reply is not wanted.
      this.api.postMessage({ type: 'forgetAsync', id, batchId });
      return;
    }
    turn.async = { batchId, window };
    this.view.refresh(turn, turn.id === this.state.turns.at(-1)?.id);
    this.announcer.textContent = `Queued as batch ${batchId}, ${window} window.`;
    this.updateAwaiting();
    this.saver.changed(0);
  }

  /** The window question was dismissed: nothing was sent, so the message goes back to the composer. */
  private asyncDismissed(id: string): void {
    const index = this.state.turns.findIndex((t) => t.id === id);
    if (index < 0 || this.state.turns[index]!.status !== 'queued') return;
    const question = this.state.turns[index - 1];
    const dropped = question?.role === 'user' && index === this.state.turns.length - 1 ? 2 : 1;
    for (const turn of this.state.turns.splice(index - dropped + 1, dropped)) this.view.remove(turn.id);
    if (dropped === 2 && !this.state.draft.trim()) {
      this.state.draft = question!.text;
      this.state.draftImageUrl = question!.imageUrl ?? '';
      this.controls.setDraft(this.state.draft, this.state.draftImageUrl);
    }
    this.view.refreshFooters(this.state.turns);
    this.updateAwaiting();
    this.saver.changed(0);
    this.controls.focusInput();
  }

  /** Send is off while the conversation waits for an async reply. */
  private updateAwaiting(): void {
    const waiting = awaitingAsync(this.state.turns);
    this.controls.setAwaiting(waiting ? 'Waiting for the async reply: delete it to send another message.' : undefined);
    this.transcript.classList.toggle('awaiting', waiting !== undefined);
  }

  private append(turn: ChatTurn): void {
    const previous = this.state.turns.at(-1);
    this.state.turns.push(turn);
    if (previous) this.view.refreshFooter(previous, false);
    this.view.add(turn, true);
  }

  private startReply(): void {
    const conversation = conversationOf(this.state);
    const turn: ChatTurn = { id: newId('a'), role: 'assistant', text: '', status: 'streaming' };
    this.append(turn);
    this.view.beginStream(turn);
    this.streaming = { id: turn.id, pending: [], lastRender: 0 };
    this.setBusy(true);
    this.transcript.scrollTop = this.transcript.scrollHeight;
    this.api.postMessage({ type: 'send', id: turn.id, conversation });
    this.saver.changed(0);
  }

  /** Regenerate and Retry: the last reply is dropped and asked for again (see retryTurn). */
  private regenerate(id?: string): void {
    const last = this.state.turns.at(-1);
    if (this.streaming || !last || last.role !== 'assistant' || (id !== undefined && last.id !== id)) return;
    if (last.status === 'queued') return;
    this.state.turns = retryTurn(this.state.turns, last.id);
    this.view.remove(last.id);
    // An async reply is asked for again the same way, in the window picked for it.
    if (last.async) this.startAsyncReply(last.async.window);
    else this.startReply();
  }

  /** Edit of a user turn in place; Save drops the turns after it and asks for a new reply (see editTurn). */
  private edit(id: string): void {
    const turn = this.turn(id);
    if (this.streaming || awaitingAsync(this.state.turns) || turn?.role !== 'user') return;
    this.view.beginEdit(turn, (text) => {
      const current = this.turn(id);
      if (!current) return;
      if (text === undefined || this.streaming) {
        this.view.refresh(current, current.id === this.state.turns.at(-1)?.id);
        return;
      }
      const kept = editTurn(this.state.turns, id, text);
      kept[kept.length - 1] = { ...kept.at(-1)!, edited: true };
      for (const dropped of this.state.turns.slice(kept.length)) this.view.remove(dropped.id);
      this.state.turns = kept;
      this.view.refresh(kept.at(-1)!, true);
      this.startReply();
    });
  }

  /** Delete of a turn (a user turn with its reply, see deleteTurn). */
  private remove(id: string): void {
    if (this.streaming || !this.turn(id)) return;
    const kept = deleteTurn(this.state.turns, id);
    const keptIds = new Set(kept.map((t) => t.id));
    const dropped = this.state.turns.filter((turn) => !keptIds.has(turn.id));
    for (const turn of dropped) this.view.remove(turn.id);
    this.state.turns = kept;
    this.view.refreshFooters(kept);
    // A pending reply deleted: its batch is the service's and runs on, but its reply is not wanted any more.
    const pending = dropped.find((t) => t.status === 'queued' && t.async?.batchId);
    if (pending?.async?.batchId) {
      this.api.postMessage({ type: 'forgetAsync', id: pending.id, batchId: pending.async.batchId });
      this.showNotice(`Deleted the pending reply. Batch ${pending.async.batchId} keeps running; cancel it in the Batches view.`);
    }
    this.updateAwaiting();
    this.saver.changed(0);
    this.controls.focusInput();
  }

  private stop(): void {
    if (this.streaming) this.api.postMessage({ type: 'cancel', id: this.streaming.id });
  }

  /**
   * Clear starts a new conversation with the same settings and draft; the cleared one goes into the history
   * and is offered back with Undo.
   */
  private clear(): void {
    if (!this.state.turns.length) return this.showNotice('');
    const previous = this.replaceState({ ...this.snapshot(), turns: [], scroll: undefined, conversationId: newId('c') });
    this.api.postMessage({ type: 'archive', state: previous });
    this.showNotice('Conversation cleared.', previous);
  }

  private undo(previous: ChatState): void {
    this.replaceState(previous);
    this.showNotice('');
  }

  private isAtBottom(): boolean {
    const t = this.transcript;
    return t.scrollHeight - t.scrollTop - t.clientHeight < 48;
  }

  /** The notice bar; with `undo`, an Undo button brings that state back (until the next message is sent). */
  private showNotice(text: string, undo?: ChatState): void {
    const worthUndoing = undo && (undo.turns.length > 0 || undo.draft.trim() !== '');
    const undoButton = worthUndoing
      ? h('button', { type: 'button', class: 'action', id: 'undo', title: 'Bring the previous conversation back' }, 'Undo')
      : null;
    undoButton?.addEventListener('click', () => this.undo(undo!));
    this.notice.replaceChildren(h('span', {}, text), ...(undoButton ? [undoButton] : []));
    this.notice.hidden = !text;
  }
}

new ChatApp(vscodeApi(), document.body);
