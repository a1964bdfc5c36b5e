import { QueryClientProvider } from '@tanstack/react-query';
import { LazyMotion, MotionConfig } from 'motion/react';
import { lazy } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { ToastProvider } from '../components/toast.js';
import { OverviewView } from '../views/overview/overview-view.js';
import { Layout } from './layout.js';
import { NewTaskProvider } from './new-task-context.js';
import { NotFoundView } from './not-found.js';
import type { AppRuntime } from './runtime.js';
import { ServicesProvider } from './services.js';
import { ThemeProvider } from './theme.js';
import { TokenPrompt } from './token-prompt.js';

/** Motion's animation features arrive in their own chunk, after the first paint. */
const loadMotionFeatures = () => import('./motion-features.js').then((m) => m.default);

const BoardView = lazy(() => import('../views/board/board-view.js'));
const TaskDetailView = lazy(() => import('../views/task-detail/task-detail-view.js'));
const AgentsView = lazy(() => import('../views/agents/agents-view.js'));
const MyWorkView = lazy(() => import('../views/my-work/my-work-view.js'));
const TokensView = lazy(() => import('../views/tokens/tokens-view.js'));
const EventLogView = lazy(() => import('../views/event-log/event-log-view.js'));
const NotificationsView = lazy(() => import('../views/notifications/notifications-view.js'));

export function App({ runtime }: { runtime: AppRuntime }) {
  return (
    <QueryClientProvider client={runtime.queryClient}>
      <ServicesProvider runtime={runtime}>
        <ThemeProvider>
          <MotionConfig reducedMotion="user">
            <LazyMotion features={loadMotionFeatures} strict>
              <ToastProvider>
                <BrowserRouter>
                  <NewTaskProvider>
                    <Layout>
                      <Routes>
                        <Route path="/" element={<OverviewView />} />
                        <Route path="/board" element={<BoardView />} />
                        <Route path="/tasks/:id" element={<TaskDetailView />} />
                        <Route path="/agents" element={<AgentsView />} />
                        <Route path="/my-work" element={<MyWorkView />} />
                        <Route path="/tokens" element={<TokensView />} />
                        <Route path="/events" element={<EventLogView />} />
                        <Route path="/notifications" element={<NotificationsView />} />
                        <Route path="*" element={<NotFoundView />} />
                      </Routes>
                    </Layout>
                    <TokenPrompt />
                  </NewTaskProvider>
                </BrowserRouter>
              </ToastProvider>
            </LazyMotion>
          </MotionConfig>
        </ThemeProvider>
      </ServicesProvider>
    </QueryClientProvider>
  );
}
