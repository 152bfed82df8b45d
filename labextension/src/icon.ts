import { LabIcon } from '@jupyterlab/ui-components';

// A stack of package boxes linked to a server: "repositories". Themed through jp-icon3.
const svgstr = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M4 3h16a1 1 0 0 1 1 1v4a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm1 2v2h14V5H5zm1.5.25h2v1.5h-2v-1.5z"/>
    <path d="M4 10.5h16a1 1 0 0 1 1 1v4a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1zm1 2v2h14v-2H5zm1.5.25h2v1.5h-2v-1.5z"/>
    <path d="M11 17.5h2v2h6v1.5H5v-1.5h6v-2z"/>
  </g>
</svg>`;

export const repositoriesIcon = new LabIcon({
  name: 'jupyter-repoconnect:repositories',
  svgstr
});
